// The last shard's finish (fs/publisher/shard_finish.hpp) on real trees: it sets the copy's
// directories' metadata from the source's, and a symlink in the copy where a directory
// belongs is not followed out of it, but said as an error with both paths and the errno.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "test_support.hpp"
#include "uio/fs/publisher/shard_finish.hpp"

namespace {

mode_t shard_finish_test_mode(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("the finish sets the copy's directories' modes, never through a symlink in the copy",
          "[shard_finish]") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst", outside = work / "outside";
    for (const std::string& dir : {src + "/d", src + "/e/deep", dst + "/e/deep", outside}) {
        std::filesystem::create_directories(dir);
    }
    std::ofstream(src + "/d/f") << "x";
    std::filesystem::create_directory_symlink(outside, dst + "/d");
    REQUIRE(::chmod(outside.c_str(), 0755) == 0);
    REQUIRE(::chmod((src + "/d").c_str(), 0750) == 0);
    REQUIRE(::chmod((src + "/e").c_str(), 0710) == 0);
    REQUIRE(::chmod((src + "/e/deep").c_str(), 0700) == 0);

    uio::fs::options opts;
    opts.preserve.mode = true;
    uio::fs::copy_root root;
    root.source = src;
    root.destination = dst;
    const uio::fs::shard_plan plan = uio::fs::shard_plan::make(src, 0, 1, {}, false);
    std::vector<uio::fs::tree_message> messages;
    uio::fs::report out([&](const uio::fs::tree_message& m) { messages.push_back(m); });
    uio::fs::finish_shard(opts, root, plan, out);  // the only shard: it finishes

    CHECK(shard_finish_test_mode(dst + "/e") == 0710);
    CHECK(shard_finish_test_mode(dst + "/e/deep") == 0700);
    CHECK(shard_finish_test_mode(outside) == 0755);  // not the source's d's 0750
    REQUIRE(out.errors() == 1);                      // d: cannot set the metadata
    REQUIRE(messages.size() == 1);
    const uio::fs::tree_message& error = messages[0];
    CHECK(error.kind == uio::fs::message_kind::error);
    // Opening a symlink with O_DIRECTORY | O_NOFOLLOW: ENOTDIR on Linux, ELOOP elsewhere.
    CHECK((error.error_number == ENOTDIR || error.error_number == ELOOP));
    CHECK(error.text ==
          "cannot set the metadata of '" + dst + "/d': " + std::strerror(error.error_number));
    CHECK(error.source == src + "/d");
    CHECK(error.destination == dst + "/d");
}
