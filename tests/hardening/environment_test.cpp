// A hostile environment for ucopy: a kernel (or sandbox) without io_uring, and a low limit
// on open files. Each runs the real binary through harden-launch, which sets the limit and
// execs it.
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "hardening_support.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

namespace fs = std::filesystem;

TEST_CASE("io_uring unavailable (ENOSYS, EPERM): a clear error, non-zero exit, no crash") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    ucopy_test::write_file(work / "src/a", "a");
    for (const char* error : {"38" /* ENOSYS */, "1" /* EPERM */}) {
        std::string out;
        int status = harden::run({HARDEN_LAUNCH, "--deny-io-uring", error, "--", UCOPY_BINARY, "-a",
                                  work / "src", work / ("dst" + std::string(error))},
                                 &out);
        if (status == 77) uio::testing::skip("seccomp filters cannot be installed here: " + out);
        INFO("errno " << error << ": " << out);
        CHECK(status != 0);
        CHECK(status < 128);  // an exit, not a signal (abort, segfault)
        CHECK(out.find("io_uring") != std::string::npos);
        CHECK(out.find("terminate called") == std::string::npos);
        CHECK(out.find("Sanitizer") == std::string::npos);
        CHECK_FALSE(fs::exists(work / ("dst" + std::string(error)) + "/a"));
    }
}

namespace {

// A copy of 2,000 files in 40 directories with RLIMIT_NOFILE set to `nofile`.
void copy_with_nofile(const char* nofile) {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    for (int i = 0; i < 2000; ++i) {
        std::string dir = src + "/d" + std::to_string(i % 40);
        fs::create_directories(dir);
        ucopy_test::write_file(dir + "/f" + std::to_string(i),
                               harden::random_bytes(static_cast<std::size_t>(i % 97) * 211, i));
    }
    std::string out;
    int status =
        harden::run({HARDEN_LAUNCH, "--nofile", nofile, "--", UCOPY_BINARY, "-a", src, dst}, &out);
    INFO("RLIMIT_NOFILE " << nofile << ": " << out.substr(0, 2000));
    CHECK(status == 0);
    ucopy_test::check_same_tree(src, dst);
    CHECK(harden::leftovers(dst).empty());
}

}  // namespace

TEST_CASE("RLIMIT_NOFILE=64: a copy of 2,000 files finishes and the trees are equal") {
    copy_with_nofile("64");
}

TEST_CASE("RLIMIT_NOFILE=32: a copy of 2,000 files finishes and the trees are equal") {
    copy_with_nofile("32");
}
