// --strategy=auto: which files are written with O_DIRECT rather than through the page cache.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "data_mover.hpp"
#include "options.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"
#include "writeback_threshold.hpp"

TEST_CASE("strategy auto switches to O_DIRECT writes at the kernel writeback threshold") {
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
    const std::uint64_t parsed = outcome.parsed->direct_min;
    CHECK(parsed > threshold - threshold / 10);
    CHECK(parsed < threshold + threshold / 10);
}

TEST_CASE("a source is mostly cached after writing it and not after dropping its pages") {
    uio::testing::temp_dir work;
    const std::string path = work / "source";
    ucopy_test::write_file(path, std::string(8 << 20, 'x'));
    const int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::fsync(fd) == 0);  // clean pages: DONTNEED then drops them all
    CHECK(ucopy::data_mover::mostly_cached(fd, 8 << 20));
    REQUIRE(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0);
    CHECK_FALSE(ucopy::data_mover::mostly_cached(fd, 8 << 20));
    CHECK(ucopy::data_mover::mostly_cached(fd, 100));  // under a page: nothing to ask
    ::close(fd);
}
