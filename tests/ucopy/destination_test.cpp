// A file copied onto a destination that is not a plain file, as cp does it: through a
// symlink (its target replaced, the link kept), into a FIFO, a character device or a
// descriptor (written in place, never replaced). Runs that write to a descriptor are
// children whose stdout is the test's own pipe.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <string>

#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

bool is_type(const std::string& path, mode_t type) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && (st.st_mode & S_IFMT) == type;
}

std::string big_text() {
    std::string text;
    for (int i = 0; text.size() < (3 << 20); ++i) text += "line " + std::to_string(i) + "\n";
    return text;
}

}  // namespace

TEST_CASE("a file onto a symlink writes through it: the target replaced, the link kept") {
    uio::testing::temp_dir work;
    write_file(work / "src", "new contents\n");
    fs::create_directory(work / "data");
    write_file(work / "data/target", "old\n");
    fs::create_symlink("data/target", work / "link");
    command_result r = sh(ucopy_binary() + " -a " + q(work / "src") + " " + q(work / "link"));
    CHECK(r.status == 0);
    CHECK(r.output.empty());
    CHECK(is_type(work / "link", S_IFLNK));
    CHECK(read_file(work / "data/target") == "new contents\n");
    CHECK(temp_leftovers(work.path().string()).empty());

    fs::create_symlink("missing/x", work / "dangling");
    command_result d = sh(ucopy_binary() + " " + q(work / "src") + " " + q(work / "dangling"));
    CHECK(d.status == 1);
    CHECK_THAT(d.output, Catch::Contains("not writing through dangling symlink '" +
                                         (work / "dangling") + "'"));
    CHECK(is_type(work / "dangling", S_IFLNK));
}

TEST_CASE("a file into a FIFO is written in place, read by the test") {
    uio::testing::temp_dir work;
    const std::string text = big_text();
    write_file(work / "src", text);
    const std::string fifo = work / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto copying = std::async(std::launch::async, [&] {
        return sh(ucopy_binary() + " -v " + q(work / "src") + " " + q(fifo));
    });
    int fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);  // waits for the writer
    REQUIRE(fd >= 0);
    std::string got;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        REQUIRE(n > 0);
        got.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    command_result r = copying.get();
    CHECK(r.status == 0);
    CHECK(r.output == "'" + (work / "src") + "' -> '" + fifo + "'\n");
    CHECK(got == text);
    CHECK(is_type(fifo, S_IFIFO));
}

TEST_CASE("a file to a descriptor: a link to /proc/self/fd/1, /dev/stdout") {
    uio::testing::temp_dir work;
    const std::string text = big_text();
    write_file(work / "src", text);
    fs::create_symlink("/proc/self/fd/1", work / "out");
    command_result r =
        sh(ucopy_binary() + " " + q(work / "src") + " " + q(work / "out") + " | cat");
    CHECK(r.status == 0);
    CHECK(r.output == text);
    CHECK(is_type(work / "out", S_IFLNK));

    // Appending to a file the shell opened: the descriptor is written at its end.
    write_file(work / "log", "first\n");
    command_result a =
        sh(ucopy_binary() + " " + q(work / "src") + " /dev/stdout >> " + q(work / "log"));
    CHECK(a.status == 0);
    CHECK(read_file(work / "log") == "first\n" + text);
}

TEST_CASE("a file onto a character device is written in place: the test's own, /dev/null") {
    uio::testing::temp_dir work;
    write_file(work / "src", "data\n");
    if (::geteuid() == 0) {
        // A null device of the test's own first: a regression replaces that, not /dev/null.
        const std::string null = work / "null";
        REQUIRE(::mknod(null.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0);
        command_result own = sh(ucopy_binary() + " -a " + q(work / "src") + " " + q(null));
        CHECK(own.status == 0);
        REQUIRE(is_type(null, S_IFCHR));
    }
    struct stat before {};
    REQUIRE(::stat("/dev/null", &before) == 0);
    command_result r = sh(ucopy_binary() + " " + q(work / "src") + " /dev/null");
    CHECK(r.status == 0);
    CHECK(r.output.empty());
    struct stat after {};
    REQUIRE(::stat("/dev/null", &after) == 0);
    CHECK(S_ISCHR(after.st_mode));
    CHECK(after.st_ino == before.st_ino);
}
