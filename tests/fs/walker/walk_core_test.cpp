// What both walks share (fs/walker/walk_core.hpp), on real directories: a directory opened
// below its parent never through a symlink unless asked, listings without "." and "..", each
// on a stream of its own, stats as fstatat gives them, the filters by path, and the message of
// a directory that cannot be read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/walk_core.hpp"

namespace {

void walk_core_touch(const std::string& path, const std::string& text = "x") {
    std::ofstream(path) << text;
}

// Every name `stream` gives, sorted.
std::vector<std::string> walk_core_names(uio::fs::dir_stream& stream) {
    std::vector<std::string> names;
    while (const dirent* d = stream.next()) names.emplace_back(d->d_name);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("a walk opens a directory below its parent through a symlink only when asked",
          "[walk_core]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directories(work / "tree/real");
    std::filesystem::create_directory_symlink(work / "tree/real", work / "tree/link");
    uio::fs::fd_holder tree{::open((work / "tree").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(tree.fd >= 0);

    uio::fs::fd_holder real{uio::fs::open_walk_dir(tree.fd, "real")};
    CHECK(real.fd >= 0);
    CHECK((::fcntl(real.fd, F_GETFD) & FD_CLOEXEC) != 0);
    errno = 0;
    uio::fs::fd_holder refused{uio::fs::open_walk_dir(tree.fd, "link")};
    CHECK(refused.fd < 0);
    CHECK((errno == ENOTDIR || errno == ELOOP));  // the kernel's answer with O_DIRECTORY
    uio::fs::fd_holder followed{uio::fs::open_walk_dir(tree.fd, "link", true)};
    CHECK(followed.fd >= 0);
    CHECK((uio::fs::walk_dir_flags(false) & O_NOFOLLOW) != 0);
    CHECK((uio::fs::walk_dir_flags(true) & O_NOFOLLOW) == 0);
}

TEST_CASE("a listing leaves out . and .., and each stream reads the whole directory",
          "[walk_core]") {
    using uio::fs::dir_stream;
    uio::testing::temp_dir work;
    std::filesystem::create_directories(work / "d/sub");
    walk_core_touch(work / "d/a");
    walk_core_touch(work / "d/b");
    uio::fs::fd_holder dir{::open((work / "d").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(dir.fd >= 0);
    const std::vector<std::string> all{"a", "b", "sub"};

    for (dir_stream::open_as how : {dir_stream::open_as::duplicate, dir_stream::open_as::reopen}) {
        // A duplicate shares the descriptor's offset: the second one is rewound first.
        dir_stream first(dir.fd, how);
        REQUIRE(first.open_error() == 0);
        CHECK(walk_core_names(first) == all);
        CHECK(first.read_error() == 0);
        CHECK(first.next() == nullptr);  // stays at its end
        dir_stream second(dir.fd, how);
        CHECK(walk_core_names(second) == all);
    }

    dir_stream closed(-1, dir_stream::open_as::duplicate);
    CHECK(closed.open_error() == EBADF);
    CHECK(closed.next() == nullptr);
    dir_stream bad_reopen(-1, dir_stream::open_as::reopen);
    CHECK(bad_reopen.open_error() == EBADF);
}

TEST_CASE("stat_name gives what fstatat gives, following a symlink only when asked",
          "[walk_core]") {
    uio::testing::temp_dir work;
    walk_core_touch(work / "file", "twelve bytes");
    std::filesystem::create_symlink("file", work / "link");
    uio::fs::fd_holder dir{::open(work.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(dir.fd >= 0);

    for (const char* name : {"file", "link"}) {
        for (const bool follow : {false, true}) {
            struct stat expected {};
            REQUIRE(::fstatat(dir.fd, name, &expected, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0);
            struct stat got {};
            REQUIRE(uio::fs::stat_name(dir.fd, name, follow, got) == 0);
            CHECK(got.st_dev == expected.st_dev);
            CHECK(got.st_ino == expected.st_ino);
            CHECK(got.st_mode == expected.st_mode);
            CHECK(got.st_nlink == expected.st_nlink);
            CHECK(got.st_uid == expected.st_uid);
            CHECK(got.st_size == expected.st_size);
            CHECK(got.st_blocks == expected.st_blocks);
            CHECK(got.st_mtim.tv_sec == expected.st_mtim.tv_sec);
            CHECK(got.st_mtim.tv_nsec == expected.st_mtim.tv_nsec);
            CHECK(got.st_ctim.tv_nsec == expected.st_ctim.tv_nsec);
        }
    }
    struct stat untouched {};
    CHECK(uio::fs::stat_name(dir.fd, "missing", false, untouched) == ENOENT);
    CHECK(untouched.st_ino == 0);
}

TEST_CASE("the filters take a name by its path below the root, in either form", "[walk_core]") {
    uio::fs::filter_rules rules;
    rules.add_exclude("/a/*.tmp");
    CHECK(uio::fs::walk_excludes(&rules, "a/x.tmp", false));
    CHECK(uio::fs::walk_excludes(&rules, "a/", "x.tmp", false));
    CHECK_FALSE(uio::fs::walk_excludes(&rules, "b/x.tmp", false));
    CHECK_FALSE(uio::fs::walk_excludes(&rules, "b/", "x.tmp", false));
    CHECK_FALSE(uio::fs::walk_excludes(nullptr, "a/", "x.tmp", false));
    const uio::fs::filter_rules none{};
    CHECK_FALSE(uio::fs::walk_excludes(&none, "a/x.tmp", false));
}

TEST_CASE("a directory that cannot be read is told with its path and errno text", "[walk_core]") {
    const uio::fs::walk_failure failure{"read directory", 0, "a/b", EACCES};
    CHECK(uio::fs::failure_message(failure, "src/a/b/") ==
          "cannot read directory 'src/a/b/': Permission denied");
}
