// `ubench files`: prepares the data (one large file, many small ones), sizes each case so the
// blocking baseline takes about --seconds, then runs every engine on every case --repeat
// times, interleaved so that drift on a shared machine hits all engines alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "results.hpp"

namespace ubench {

struct files_options {
    std::uint64_t size = 256ULL << 20;  // the data file
    double seconds = 0.15;              // target duration of one blocking run
    unsigned repeat = 3;
    std::string dir = "/var/tmp";
    std::vector<unsigned> queue_depths = {1, 8, 32, 128};  // random reads
    unsigned other_queue_depth = 8;                        // sequential and small-file cases
    unsigned small_files = 2000;
    std::vector<workload_kind> workloads = {
        workload_kind::random_read, workload_kind::sequential_read, workload_kind::sequential_write,
        workload_kind::small_files};
    std::vector<cache_mode> modes = {cache_mode::buffered_hot, cache_mode::buffered_cold,
                                     cache_mode::direct};
    std::vector<engine_kind> engines = {std::begin(all_engines), std::end(all_engines)};
    // "auto": evict the data file with fadvise and drop_caches for small files (when root);
    // "drop": drop_caches before every cold run; "fadvise": never touch the global cache.
    std::string cold = "auto";
    bool keep = false;     // leave the data files in --dir for the next run (or fio)
    bool progress = true;  // one line per case on stderr
};

files_report run_files(const files_options& options);

// Where the data file lives for these options (scripts/bench-fio points fio at it).
std::string data_file_path(const files_options& options);

}  // namespace ubench
