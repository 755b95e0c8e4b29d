// --strategy=auto: which files are written with O_DIRECT rather than through the page cache,
// and which go by copy_file_range.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "options.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"
#include "uio/fs/mover/data_mover.hpp"
#include "uio/fs/mover/writeback_threshold.hpp"

TEST_CASE("strategy auto switches to O_DIRECT writes at the kernel writeback threshold") {
    // The threshold is what the kernel computes from vm.dirty_background_* and the available
    // memory: more than a megabyte, less than all of memory.
    const std::uint64_t threshold = uio::fs::writeback_threshold();
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
    CHECK(outcome.parsed->data_strategy == uio::fs::strategy::automatic);
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
    CHECK(uio::fs::data_mover::mostly_cached(fd, 8 << 20));
    REQUIRE(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0);
    CHECK_FALSE(uio::fs::data_mover::mostly_cached(fd, 8 << 20));
    CHECK(uio::fs::data_mover::mostly_cached(fd, 100));  // under a page: nothing to ask
    ::close(fd);
}

namespace {

// The count of one data path in --stats=json's "strategy" object.
unsigned long strategy_count(const std::string& stats, const std::string& key) {
    const std::string field = "\"" + key + "\":";
    const std::size_t at = stats.find(field);
    if (at == std::string::npos) return ~0ul;
    return std::stoul(stats.substr(at + field.size()));
}

// A new directory in /dev/shm when /dev/shm is another file system than `work` (a copy
// between them is refused by copy_file_range with EXDEV); nullopt, with a warning, when not.
std::optional<std::string> strategy_test_shm_dir(const uio::testing::temp_dir& work,
                                                 const std::string& prefix) {
    struct stat shm {
    }, tmp{};
    if (::stat("/dev/shm", &shm) != 0 || ::stat(work.path().c_str(), &tmp) != 0 ||
        shm.st_dev == tmp.st_dev) {
        WARN("no /dev/shm on another file system than the temporary directory: skipped");
        return std::nullopt;
    }
    std::string pattern = "/dev/shm/" + prefix + "-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    return pattern;
}

}  // namespace

TEST_CASE("strategy auto copies files above 64 KiB with copy_file_range, holes and metadata kept") {
    using namespace ucopy_test;
    uio::testing::temp_dir work;
    const std::string src = work / "src";
    REQUIRE(sh("mkdir -p " + q(src + "/new") + " " + q(src + "/old") + " " + q(work / "dst/old"))
                .status == 0);
    std::string bytes(3 << 20, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 + i / 7);
    // Into a directory this run creates (staged), and into an existing one (temporary, rename).
    write_file(src + "/new/mid", bytes.substr(0, (1 << 20) + 123), 0640);
    write_file(src + "/old/mid", bytes.substr(5, (256 << 10) + 1), 0600);
    REQUIRE(::setxattr((src + "/old/mid").c_str(), "user.path", "kernel", 6, 0) == 0);
    set_mtime(src + "/old/mid", 1'600'000'000, 123'456'789);
    // Sparse: data, a 4 MiB hole, data, a hole at the end.
    {
        const int fd = ::open((src + "/new/sparse").c_str(), O_WRONLY | O_CREAT, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::pwrite(fd, bytes.data(), 300 << 10, 0) == (300 << 10));
        REQUIRE(::pwrite(fd, bytes.data() + 7, 200 << 10, 5 << 20) == (200 << 10));
        REQUIRE(::ftruncate(fd, 8 << 20) == 0);
        ::close(fd);
    }
    write_file(src + "/new/small", bytes.substr(0, 64 << 10));  // at the limit: not by kernel

    command_result r = sh(ucopy_test::ucopy_binary() + " -a --no-chains --stats=json " +
                          q(src + "/.") + " " + q(work / "dst"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(strategy_count(r.output, "copy_file_range") == 3);
    CHECK(strategy_count(r.output, "read_write") == 1);
    check_same_tree(src, work / "dst");  // contents, modes, times, xattrs, holes
    struct stat copied {};
    REQUIRE(::stat((work / "dst/new/sparse").c_str(), &copied) == 0);
    CHECK(copied.st_size == (8 << 20));
    CHECK(copied.st_blocks * 512 < (1 << 20));
    CHECK(read_file(work / "dst/old/mid") == bytes.substr(5, (256 << 10) + 1));
}

TEST_CASE("copy_file_range refused across file systems falls back to read/write") {
    using namespace ucopy_test;
    uio::testing::temp_dir work;
    const std::optional<std::string> shm_dir = strategy_test_shm_dir(work, "ucopy-xdev");
    if (!shm_dir) return;
    const std::string src = *shm_dir;
    std::string bytes(512 << 10, 'x');
    for (int i = 0; i < 3; ++i) write_file(src + "/f" + std::to_string(i), bytes + char('a' + i));
    command_result r =
        sh(ucopy_test::ucopy_binary() + " -a --stats=json " + q(src) + " " + q(work / "dst"));
    const std::vector<std::string> differences = compare_trees(src, work / "dst");
    sh("rm -rf " + q(src));
    INFO(r.output);
    REQUIRE(r.status == 0);
    // EXDEV before any byte moved: each file copied through the ring instead.
    CHECK(strategy_count(r.output, "read_write") == 3);
    CHECK(strategy_count(r.output, "copy_file_range") == 0);
    CHECK(differences.empty());
}

TEST_CASE("strategy auto copies a large cached file from both ends, a cold one by the kernel") {
    using namespace ucopy_test;
    uio::testing::temp_dir work;
    const std::string src = work / "src";
    REQUIRE(sh("mkdir -p " + q(src)).status == 0);
    // Not a multiple of the 4 MiB direct chunk: the back's first chunk is the padded tail.
    const std::size_t size = uio::fs::data_mover::split_min + 12345;
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 131 + i / 4099);
    write_file(src + "/hot", bytes, 0640);
    set_mtime(src + "/hot", 1'600'000'000, 987'654'321);

    command_result r = sh(ucopy_test::ucopy_binary() + " -a --stats=json " + q(src + "/.") + " " +
                          q(work / "dst"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    // Both paths moved part of it: counted under each.
    CHECK(strategy_count(r.output, "copy_file_range") == 1);
    CHECK(strategy_count(r.output, "direct") == 1);
    CHECK(strategy_count(r.output, "read_write") == 0);
    check_same_tree(src, work / "dst");  // every byte, the size, mode and times
    CHECK(read_file(work / "dst/hot") == bytes);

    // Its pages dropped, the source is read from disk: copy_file_range alone.
    const int fd = ::open((src + "/hot").c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::fsync(fd) == 0);
    REQUIRE(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0);
    ::close(fd);
    r = sh(ucopy_test::ucopy_binary() + " -a --stats=json " + q(src + "/.") + " " +
           q(work / "cold"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(strategy_count(r.output, "copy_file_range") == 1);
    CHECK(strategy_count(r.output, "direct") == 0);
    check_same_tree(src, work / "cold");
}

TEST_CASE("a large file copied from both ends across file systems falls back to the ring") {
    using namespace ucopy_test;
    uio::testing::temp_dir work;
    const std::optional<std::string> shm_dir = strategy_test_shm_dir(work, "ucopy-split");
    if (!shm_dir) return;
    const std::string src = *shm_dir;
    std::string bytes(uio::fs::data_mover::split_min + 4097, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + i / 1021);
    write_file(src + "/big", bytes);
    // copy_file_range refuses its first piece (EXDEV): the back copies the rest, the ring
    // that piece.
    command_result r =
        sh(ucopy_test::ucopy_binary() + " -a --stats=json " + q(src) + " " + q(work / "dst"));
    const std::vector<std::string> differences = compare_trees(src, work / "dst");
    sh("rm -rf " + q(src));
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(strategy_count(r.output, "direct") == 1);
    CHECK(strategy_count(r.output, "read_write") == 1);
    CHECK(strategy_count(r.output, "copy_file_range") == 0);
    CHECK(differences.empty());
    CHECK(read_file(work / "dst/big") == bytes);
}
