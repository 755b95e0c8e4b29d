// --strategy=auto: which files go through copy_file_range rather than read/write on the ring.
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "options.hpp"
#include "writeback_threshold.hpp"

TEST_CASE("strategy auto switches to copy_file_range at the kernel writeback threshold") {
    // The threshold is what the kernel computes from vm.dirty_background_* and the available
    // memory: more than a megabyte, less than all of memory.
    const std::uint64_t threshold = ucopy::writeback_threshold();
    REQUIRE(threshold != UINT64_MAX);
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t total_kib = 0;
    meminfo >> key >> total_kib;
    REQUIRE(key == "MemTotal:");
    CHECK(threshold > (std::uint64_t{1} << 20));
    CHECK(threshold < total_kib * 1024);

    std::vector<std::string> args = {"ucopy", "a", "b"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    ucopy::parse_outcome outcome =
        ucopy::parse_command_line(static_cast<int>(argv.size()), argv.data());
    REQUIRE(outcome.parsed);
    CHECK(outcome.parsed->data_strategy == ucopy::strategy::automatic);
    // MemAvailable moves between the two reads (other tests run beside this one), so the
    // parsed threshold is compared with a margin, not for equality.
    const std::uint64_t parsed = outcome.parsed->copy_file_range_min;
    CHECK(parsed > threshold - threshold / 10);
    CHECK(parsed < threshold + threshold / 10);
}
