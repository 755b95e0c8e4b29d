// stat_time: stat's and statx's timestamps become the same nanosecond count, negative
// (before 1970) times included.
#include "uio/uring/stat_time.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include "test_support.hpp"

static_assert(uio::nanoseconds(timespec{1, 5}) == 1'000'000'005);
static_assert(uio::nanoseconds(timespec{-1, 999'999'999}) == -1);  // 1969-12-31T23:59:59.999999999

TEST_CASE("a file's stat and statx times agree in nanoseconds") {
    uio::testing::temp_dir dir;
    const std::string file = dir / "f";
    std::ofstream(file) << "x";
    const timespec times[2] = {{1'000'000'000, 123'456'789}, {1'500'000'000, 987'654'321}};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);

    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK(uio::mtime_ns(st) == 1'500'000'000'987'654'321);
    struct statx x {};
    REQUIRE(::statx(AT_FDCWD, file.c_str(), 0, STATX_BASIC_STATS, &x) == 0);
    CHECK(uio::nanoseconds(x.stx_mtime) == uio::mtime_ns(st));
    CHECK(uio::nanoseconds(x.stx_ctime) == uio::ctime_ns(st));
    CHECK(uio::ctime_ns(st) > uio::mtime_ns(st));  // changed now, long after 2017
}
