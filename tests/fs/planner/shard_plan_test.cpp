// shard_plan.hpp's failures: a plan needs every entry's size, so a directory of the tree it
// cannot read ends it with a copy_error that names the directory as the user named the tree
// and carries the errno.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <string>

#include "no_dac_override.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/report.hpp"

TEST_CASE("a shard plan over an unreadable directory fails with its path and EACCES",
          "[shard_plan]") {
    uio::testing::temp_dir work;
    const std::string src = work / "src";
    std::filesystem::create_directories(src + "/locked");
    ucopy_test::write_file(src + "/locked/a.txt", "a");
    ucopy_test::write_file(src + "/b.txt", "b");
    REQUIRE(::chmod((src + "/locked").c_str(), 0000) == 0);
    int error_number = 0;
    std::string what;
    {
        uio::testing::no_dac_override unprivileged;
        try {
            (void)uio::fs::shard_plan::make(src, 0, 2, {}, false);
        } catch (const uio::fs::copy_error& e) {
            error_number = e.error_number();
            what = e.what();
        }
    }
    REQUIRE(::chmod((src + "/locked").c_str(), 0755) == 0);
    CHECK(error_number == EACCES);
    CHECK(what == "cannot open directory '" + src + "/locked/': Permission denied");
}
