// `ubench overhead`: the proactor's own cost per operation (awaited NOPs, page-cached 4 KiB
// reads) against a hand-written raw liburing loop doing the same work.
#pragma once

#include <cstdint>
#include <string>

namespace ubench {

struct overhead_options {
    std::uint64_t nops = 2'000'000;
    std::uint64_t reads = 1'000'000;
    unsigned repeat = 5;
    std::string json_path;  // --json: "-" stdout, "" none (report.hpp's write_output)
};

// Prints the table (or JSON) on stdout; returns the exit code.
int run_overhead(const overhead_options& options);

}  // namespace ubench
