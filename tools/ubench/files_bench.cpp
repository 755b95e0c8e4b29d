#include "files_bench.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>
#include <tuple>

#include "checksum.hpp"
#include "data_set.hpp"
#include "io_helpers.hpp"

namespace ubench {

namespace {

std::string kernel_release() {
    utsname u{};
    return ::uname(&u) == 0 ? u.release : "unknown";
}

std::size_t block_size_of(workload_kind kind) {
    switch (kind) {
        case workload_kind::random_read:
            return 4096;
        case workload_kind::small_files:
            return small_file_size;
        default:
            return 1 << 20;
    }
}

// How many operations one run of this case does: about --seconds of the blocking engine,
// found by timing ever larger probes. Sequential and small-file cases stop at one pass over
// the data so that a cold run stays cold to the end.
std::uint64_t calibrate(job probe, const files_options& options, data_set& data) {
    std::uint64_t cap = ~0ULL;
    if (probe.kind == workload_kind::small_files) cap = probe.small_count;
    if (probe.kind == workload_kind::sequential_read ||
        probe.kind == workload_kind::sequential_write)
        cap = probe.file_size / probe.block_size;
    probe.operations = std::min<std::uint64_t>(16, cap);
    for (;;) {
        data.prepare(probe);
        run_result r = run_engine(engine_kind::blocking, probe);
        double rate = static_cast<double>(r.operations) / std::max(r.seconds, 1e-9);
        if (r.seconds >= options.seconds / 8 || probe.operations >= cap) {
            auto n = static_cast<std::uint64_t>(rate * options.seconds);
            return std::clamp<std::uint64_t>(n, std::min<std::uint64_t>(16, cap), cap);
        }
        probe.operations = std::min(cap, probe.operations * 4);
    }
}

}  // namespace

std::string data_file_path(const files_options& options) {
    return options.dir + "/ubench-data-" + std::to_string(options.size >> 20) + "M.bin";
}

files_report run_files(const files_options& options) {
    files_report report;
    report.kernel = kernel_release();
    report.dir = options.dir;
    report.file_size = options.size;
    report.small_files = options.small_files;
    report.seconds = options.seconds;
    report.repeat = options.repeat;

    data_set data(data_file_path(options), options.size, options.dir + "/ubench-small",
                  options.small_files, options.cold, options.keep);
    report.cold_method = data.cold_method();
    for (const std::string& note : data.notes()) report.notes.push_back(note);

    std::map<std::tuple<workload_kind, cache_mode, engine_kind, unsigned>, std::size_t> index;
    for (cache_mode mode : options.modes) {
        for (workload_kind kind : options.workloads) {
            job base{kind,
                     mode,
                     block_size_of(kind),
                     1,
                     0,
                     data.data_path(),
                     options.size,
                     data.small_dir(),
                     options.small_files,
                     data.image()};
            base.operations = calibrate(base, options, data);
            if (options.progress) {
                std::fprintf(stderr, "ubench: %s %s: %llu operations per run\n",
                             std::string(name(mode)).c_str(), std::string(name(kind)).c_str(),
                             static_cast<unsigned long long>(base.operations));
            }
            std::vector<unsigned> depths = kind == workload_kind::random_read
                                               ? options.queue_depths
                                               : std::vector<unsigned>{options.other_queue_depth};
            bool have_reference = false;
            std::uint64_t reference = 0;
            for (unsigned r = 0; r < options.repeat; ++r) {
                for (engine_kind engine : options.engines) {
                    if (!applies(engine, kind)) continue;
                    for (unsigned depth : depths) {
                        // One thread does one request at a time whatever the depth: run it once.
                        if (engine == engine_kind::blocking && depth != depths.front()) continue;
                        job work = base;
                        work.queue_depth = engine == engine_kind::blocking ? 1 : depth;
                        data.prepare(work);
                        run_result run = run_engine(engine, work);

                        auto key = std::tuple(kind, mode, engine, work.queue_depth);
                        auto [it, fresh] = index.try_emplace(key, report.cases.size());
                        if (fresh) {
                            case_result fresh_case{};
                            fresh_case.kind = kind;
                            fresh_case.mode = mode;
                            fresh_case.engine = engine;
                            fresh_case.queue_depth = work.queue_depth;
                            fresh_case.block_size = work.block_size;
                            fresh_case.operations = work.operations;
                            fresh_case.checksum = run.checksum;
                            report.cases.push_back(std::move(fresh_case));
                        }
                        case_result& c = report.cases[it->second];
                        if (!have_reference) {
                            have_reference = true;
                            reference = run.checksum;
                        }
                        if (run.checksum != reference || run.checksum != c.checksum) {
                            c.checksum_ok = false;
                            report.checksums_agree = false;
                        }
                        double secs = std::max(run.seconds, 1e-9);
                        c.ops_per_s.push_back(static_cast<double>(run.operations) / secs);
                        c.mb_per_s.push_back(static_cast<double>(run.bytes) / secs / 1e6);
                        c.p50_us.push_back(percentile(run.latency_ns, 50) / 1e3);
                        c.p99_us.push_back(percentile(run.latency_ns, 99) / 1e3);
                    }
                }
            }
        }
    }

    // Ratios against the blocking engine of the same workload and cache mode.
    for (case_result& c : report.cases) {
        auto it = index.find(std::tuple(c.kind, c.mode, engine_kind::blocking, 1u));
        if (it == index.end()) continue;
        double base = report.cases[it->second].ops().median;
        c.ratio = base > 0 ? c.ops().median / base : 0;
    }
    return report;
}

}  // namespace ubench
