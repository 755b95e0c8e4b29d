// What `ubench files` measured, as plain data: the runner fills it, the table, JSON, CSV and
// SVG writers only read it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engines.hpp"
#include "stats.hpp"
#include "workload.hpp"

namespace ubench {

struct case_result {
    workload_kind kind;
    cache_mode mode;
    engine_kind engine;
    unsigned queue_depth;
    std::size_t block_size;
    std::uint64_t operations;  // per run
    // One entry per repeat.
    std::vector<double> ops_per_s;
    std::vector<double> mb_per_s;
    std::vector<double> p50_us;
    std::vector<double> p99_us;
    std::uint64_t checksum = 0;  // of the first run; every run must match it
    bool checksum_ok = true;     // equal across repeats and to the blocking engine's
    double ratio = 0;            // median ops/s over the blocking engine's median ops/s

    spread ops() const { return summarize(ops_per_s); }
    spread mb() const { return summarize(mb_per_s); }
    double p50() const { return summarize(p50_us).median; }
    double p99() const { return summarize(p99_us).median; }
};

struct files_report {
    std::string kernel;
    std::string dir;
    std::uint64_t file_size = 0;
    unsigned small_files = 0;
    double seconds = 0;
    unsigned repeat = 0;
    std::string cold_method;  // how "cold" was made
    std::vector<std::string> notes;
    std::vector<case_result> cases;
    bool checksums_agree = true;
};

}  // namespace ubench
