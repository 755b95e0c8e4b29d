// ucopy --check end to end: a faithful copy passes (exit 0, no output), and each kind of
// difference a copy can get wrong is found, printed on its own line, and makes the exit 1.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

TEST_CASE("ucopy --check passes a faithful copy and names every difference") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    build_full_tree(src);
    REQUIRE(sh(ucopy_binary() + " -a " + q(src) + " " + q(dst)).status == 0);
    command_result clean = sh(ucopy_binary() + " --check --checksum " + q(src) + " " + q(dst));
    CHECK(clean.status == 0);
    CHECK(clean.output.empty());

    // Same size and mtime, other bytes: only --checksum sees it.
    write_file(src + "/same-size", "abcd");
    write_file(dst + "/same-size", "abcX");
    set_mtime(src + "/same-size", 1'600'000'000, 5);
    set_mtime(dst + "/same-size", 1'600'000'000, 5);
    set_mtime(src, 1'600'000'000, 0);
    set_mtime(dst, 1'600'000'000, 0);
    CHECK(sh(ucopy_binary() + " --check " + q(src) + " " + q(dst)).status == 0);
    command_result contents = sh(ucopy_binary() + " --check -c " + q(src) + " " + q(dst));
    CHECK(contents.status == 1);
    CHECK(contents.output.find("contents same-size\n") != std::string::npos);

    write_file(dst + "/extra", "x");
    REQUIRE(::setxattr((dst + "/same-size").c_str(), "user.added", "1", 1, 0) == 0);
    REQUIRE(::chmod((dst + "/same-size").c_str(), 0600) == 0);
    write_file(src + "/missing", "y");
    set_mtime(src, 1'600'000'000, 0);
    set_mtime(dst, 1'600'000'000, 0);
    command_result diff = sh(ucopy_binary() + " --check " + q(src) + " " + q(dst));
    CHECK(diff.status == 1);
    // stdout, in sorted order; the count goes to stderr.
    CHECK(sh("(" + ucopy_binary() + " --check " + q(src) + " " + q(dst) + " 2>/dev/null)").output ==
          "only-in-destination extra\n"
          "only-in-source missing\n"
          "mode same-size (source 0644, destination 0600)\n"
          "xattrs same-size\n");

    command_result json = sh("(" + ucopy_binary() + " --check --stats=json " + q(src) + " " +
                             q(dst) + " 2>/dev/null)");
    CHECK(json.status == 1);
    CHECK(json.output.find("{\"difference\":\"only-in-destination\",\"path\":\"extra\"}\n") !=
          std::string::npos);
    CHECK(json.output.find("\"differences\":4,") != std::string::npos);
}

TEST_CASE("ucopy --check says times in ISO 8601, in UTC with nanoseconds") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    fs::create_directories(src);
    fs::create_directories(dst);
    write_file(src + "/f", "same");
    write_file(dst + "/f", "same");
    set_mtime(src + "/f", 1'600'000'000, 5);
    set_mtime(dst + "/f", 1'600'000'001, 123'456'789);
    set_mtime(src, 1'600'000'000, 0);
    set_mtime(dst, 1'600'000'000, 0);
    CHECK(sh("(" + ucopy_binary() + " --check " + q(src) + " " + q(dst) + " 2>/dev/null)").output ==
          "mtime f (source 2020-09-13T12:26:40.000000005Z, destination "
          "2020-09-13T12:26:41.123456789Z)\n");
    command_result json = sh("(" + ucopy_binary() + " --check --stats=json " + q(src) + " " +
                             q(dst) + " 2>/dev/null)");
    CHECK(json.output.find("\"source\":\"2020-09-13T12:26:40.000000005Z\"") != std::string::npos);
    CHECK(json.output.find("\"differences\":1,") != std::string::npos);
    CHECK(json.output.find(",\"ok\":false}\n") != std::string::npos);
}

namespace {

// `bytes` written at `at` into `path` (created if missing), then the file's size set to
// `size`: whatever was not written stays a hole.
void write_sparse(const std::string& path, off_t at, const std::string& bytes, off_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK(::pwrite(fd, bytes.data(), bytes.size(), at) == static_cast<ssize_t>(bytes.size()));
    CHECK(::ftruncate(fd, size) == 0);
    ::close(fd);
}

}  // namespace

TEST_CASE("ucopy --check --checksum compares sparse files' bytes, a hole as zeros") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    fs::create_directories(src);
    fs::create_directories(dst);
    constexpr off_t size = 1LL << 30, middle = 512LL << 20, quarter = 256LL << 20;
    for (const char* name : {"same", "in-hole", "in-island"}) {
        write_sparse(src + "/" + name, 0, "head", size);
        write_sparse(src + "/" + name, middle, "middle", size);
        write_sparse(dst + "/" + name, 0, "head", size);
        write_sparse(dst + "/" + name, middle, "middle", size);
    }
    // Zeros written out where the source has a hole: the same bytes.
    write_sparse(dst + "/same", quarter, std::string(1 << 20, '\0'), size);
    // One byte where the source has a hole, and one in an island: each a difference.
    write_sparse(dst + "/in-hole", quarter + 4096 * 3 + 5, "x", size);
    write_sparse(dst + "/in-island", middle + 2, "D", size);
    for (const std::string& root : {src, dst}) {
        for (const char* name : {"same", "in-hole", "in-island"}) {
            set_mtime(root + "/" + name, 1'600'000'000, 0);
        }
        set_mtime(root, 1'600'000'000, 0);
    }
    CHECK(sh(ucopy_binary() + " --check " + q(src) + " " + q(dst)).status == 0);
    command_result contents =
        sh("(" + ucopy_binary() + " --check --checksum " + q(src) + " " + q(dst) + " 2>/dev/null)");
    CHECK(contents.status == 1);
    CHECK(contents.output == "contents in-hole\ncontents in-island\n");
}

TEST_CASE("ucopy --check finds broken hard links and a wrong type") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    std::filesystem::create_directories(src);
    write_file(src + "/a", "data");
    REQUIRE(::link((src + "/a").c_str(), (src + "/b").c_str()) == 0);
    REQUIRE(::symlink("a", (src + "/s").c_str()) == 0);
    REQUIRE(sh(ucopy_binary() + " -a " + q(src) + "/. " + q(dst)).status == 0);
    CHECK(sh(ucopy_binary() + " --check " + q(src) + " " + q(dst)).status == 0);
    // b copied apart from a (as a copy without -a's links would): same bytes, not one inode.
    REQUIRE(sh("cp -p " + q(dst) + "/a " + q(dst) + "/b.new && mv " + q(dst) + "/b.new " + q(dst) +
               "/b && rm " + q(dst) + "/s && cp -p " + q(src) + "/a " + q(dst) + "/s && touch -r " +
               q(src) + " " + q(dst))
                .status == 0);
    command_result diff =
        sh("(" + ucopy_binary() + " --check " + q(src) + " " + q(dst) + " 2>/dev/null)");
    CHECK(diff.status == 1);
    CHECK(diff.output.find("links b") != std::string::npos);
    CHECK(diff.output.find("type s (source symlink, destination file)") != std::string::npos);
}

TEST_CASE("ucopy --check is a usage error with a second source or with --sync") {
    CHECK(sh(ucopy_binary() + " --check a b c 2>&1").status == 2);
    CHECK(sh(ucopy_binary() + " --check --sync a b 2>&1").status == 2);
}

TEST_CASE("ucopy --check escapes names as -i does, and its JSON stays valid UTF-8") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    std::filesystem::create_directories(src);
    std::filesystem::create_directories(dst);
    write_file(src + "/bad\377name", "x");
    write_file(src + "/two\nlines", "x");
    REQUIRE(::symlink("to\377", (dst + "/link").c_str()) == 0);
    REQUIRE(::symlink("ok", (src + "/link").c_str()) == 0);
    set_mtime(src, 1'600'000'000, 0);
    set_mtime(dst, 1'600'000'000, 0);
    command_result text =
        sh("(" + ucopy_binary() + " --check " + q(src) + " " + q(dst) + " 2>/dev/null)");
    CHECK(text.status == 1);
    CHECK(text.output.find("only-in-source bad\\#377name\n") != std::string::npos);
    CHECK(text.output.find("only-in-source two\\#012lines\n") != std::string::npos);
    CHECK(text.output.find("target link (source ok, destination to\\#377)\n") != std::string::npos);

    command_result json = sh("(" + ucopy_binary() + " --check --stats=json " + q(src) + " " +
                             q(dst) + " 2>/dev/null)");
    CHECK(json.status == 1);
    CHECK(json.output.find("{\"difference\":\"only-in-source\",\"path\":\"bad\\\\#377name\"}\n") !=
          std::string::npos);
    CHECK(json.output.find("\"destination\":\"to\\\\#377\"") != std::string::npos);
    // Nothing but printable ASCII here (the names' bytes all came out escaped).
    CHECK(std::all_of(json.output.begin(), json.output.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80 && (c >= 0x20 || c == '\n');
    }));
}
