// output_target: where a write to a destination path lands, decided as cp decides it.
#include "uio/uring/output_target.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "test_support.hpp"

using uio::output_target;
using uio::resolve_output;
namespace fs = std::filesystem;

TEST_CASE("a regular file or a new name is replaced where it is") {
    uio::testing::temp_dir dir;
    std::ofstream(dir / "file") << "x";
    output_target existing = resolve_output(dir / "file");
    CHECK(existing.how == output_target::kind::replace);
    CHECK(existing.path == dir / "file");
    output_target fresh = resolve_output(dir / "new");
    CHECK(fresh.how == output_target::kind::replace);
    CHECK(fresh.path == dir / "new");
}

TEST_CASE("symlinks are followed, each relative to its own directory") {
    uio::testing::temp_dir dir;
    fs::create_directories(dir / "a/b");
    std::ofstream(dir / "a/b/target") << "x";
    fs::create_symlink("b/target", dir / "a/link");  // relative to a/
    fs::create_symlink("a/link", dir / "top");       // a link to a link
    output_target t = resolve_output(dir / "top");
    CHECK(t.how == output_target::kind::replace);
    CHECK(fs::equivalent(t.path, dir / "a/b/target"));

    fs::create_symlink("missing", dir / "dangling");
    CHECK_THROWS_WITH(resolve_output(dir / "dangling"),
                      Catch::Contains("not writing through dangling symlink"));
    fs::create_symlink("loop", dir / "loop");
    CHECK_THROWS_WITH(resolve_output(dir / "loop"),
                      Catch::Contains("cannot write '" + (dir / "loop") + "'"));
    CHECK_THROWS_WITH(resolve_output(dir.path().string()), Catch::Contains("Is a directory"));
}

TEST_CASE("devices and FIFOs are written in place, descriptor names are descriptors") {
    uio::testing::temp_dir dir;
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    output_target fifo = resolve_output(dir / "fifo");
    CHECK(fifo.how == output_target::kind::write_in_place);
    CHECK(resolve_output("/dev/null").how == output_target::kind::write_in_place);

    fs::create_symlink("/proc/self/fd/1", dir / "out");
    output_target out = resolve_output(dir / "out");
    CHECK(out.how == output_target::kind::descriptor);
    CHECK(out.fd == 1);
    CHECK(uio::descriptor_named("/dev/fd/2") == 2);
    CHECK(uio::descriptor_named("/proc/" + std::to_string(::getpid()) + "/fd/7") == 7);
    CHECK(uio::descriptor_named("/proc/1/fd/7") == (::getpid() == 1 ? 7 : -1));
    CHECK(uio::descriptor_named("/proc/self/fd/x") == -1);
    CHECK(uio::descriptor_named("/dev/fd/") == -1);
}
