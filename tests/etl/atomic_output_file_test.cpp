// atomic_output_file: an export is written under a hidden name, private (0600) until
// commit() gives it the usual mode and renames it over the final name; a failure, an
// abandoned file or a failed rename leaves nothing under the final name and an existing
// file there as it was.
#include "uio/db/etl/detail/atomic_output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "etl_test_support.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/temp_name.hpp"

using uio::task;
using uio::etl::atomic_output_file;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

ino_t inode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_ino;
}

// Sets the process umask for one test and puts the old one back.
class scoped_umask {
  public:
    explicit scoped_umask(mode_t mask) : old_(::umask(mask)) {}
    ~scoped_umask() { ::umask(old_); }

  private:
    mode_t old_;
};

}  // namespace

TEST_CASE("the file is written hidden and private, and commit publishes it with the usual mode") {
    const bool durable = GENERATE(false, true);
    INFO("durable " << durable);
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "out.jsonl";
    scoped_umask mask(0);  // even when the umask allows anything, the unfinished file is 0600
    std::string big(1 << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
    uio::run([&]() -> task<void> {
        auto out = co_await atomic_output_file::create(final_path, durable);
        const std::string temp = out.temp_path();
        CHECK(fs::path(temp).parent_path() == dir.path());
        // The tree copies' scheme, so a rerun's stale-temporary sweep recognises it.
        CHECK(uio::is_temp_name(fs::path(temp).filename().string()));
        CHECK(mode_of(temp) == 0600);
        CHECK_FALSE(fs::exists(final_path));
        co_await out.write(std::string("first line\n"));
        co_await out.write(big);
        co_await out.write(std::string("last line\n"));
        CHECK(out.size() == 11 + big.size() + 10);
        CHECK(mode_of(temp) == 0600);  // still private while incomplete
        CHECK_FALSE(fs::exists(final_path));
        co_await out.commit();
        CHECK_FALSE(fs::exists(temp));
    }());
    CHECK(uio::testing::read_file(final_path) == "first line\n" + big + "last line\n");
    CHECK(mode_of(final_path) == 0666);
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"out.jsonl"});
}

TEST_CASE("commit gives the file the mode the umask leaves, and replaces a file already there") {
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "out.csv";
    uio::testing::write_file(final_path, "old contents\n");
    ::chmod(final_path.c_str(), 0600);
    scoped_umask mask(027);
    uio::run([&]() -> task<void> {
        auto out = co_await atomic_output_file::create(final_path, false);
        co_await out.write(std::string("new\n"));
        CHECK(uio::testing::read_file(final_path) == "old contents\n");  // until commit
        co_await out.commit();
    }());
    CHECK(uio::testing::read_file(final_path) == "new\n");
    CHECK(mode_of(final_path) == 0640);
}

TEST_CASE("a failed export leaves nothing new, and an existing file under the name untouched") {
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "report.csv";
    uio::testing::write_file(final_path, "yesterday's report\n");
    const ino_t before = inode_of(final_path);
    std::string temp;
    bool failed = false;
    try {
        uio::run([&]() -> task<void> {
            auto out = co_await atomic_output_file::create(final_path, true);
            temp = out.temp_path();
            co_await out.write(std::string("half of today's rep"));
            CHECK(fs::exists(temp));
            throw std::runtime_error("the source went away");
        }());
    } catch (const std::runtime_error&) {
        failed = true;
    }
    CHECK(failed);
    CHECK_FALSE(temp.empty());
    CHECK_FALSE(fs::exists(temp));
    CHECK(uio::testing::read_file(final_path) == "yesterday's report\n");
    CHECK(inode_of(final_path) == before);
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"report.csv"});
}

TEST_CASE("an abandoned file is removed and never appears under the final name") {
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "never.jsonl";
    std::string temp;
    uio::run([&]() -> task<void> {
        auto out = co_await atomic_output_file::create(final_path, false);
        temp = out.temp_path();
        co_await out.write(std::string("{}\n"));
    }());  // dropped without commit
    CHECK_FALSE(fs::exists(temp));
    CHECK_FALSE(fs::exists(final_path));
    CHECK(uio::testing::list_dir(dir.path()).empty());
}

TEST_CASE("a directory at the final name is refused up front, named as given") {
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "taken";
    fs::create_directory(final_path);  // a file cannot be renamed over a directory
    uio::testing::write_file(final_path + "/inside", "keep");
    std::string message;
    int code = 0;
    try {
        uio::run([&]() -> task<void> {
            auto out = co_await atomic_output_file::create(final_path, false);
        }());
    } catch (const std::system_error& e) {
        code = e.code().value();
        message = e.what();
    }
    CHECK(code == EISDIR);
    CHECK(message == "cannot write '" + final_path + "': Is a directory");
    CHECK(fs::is_directory(final_path));
    CHECK(uio::testing::read_file(final_path + "/inside") == "keep");
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"taken"});
}

TEST_CASE("create fails with the path and errno text when the directory is missing") {
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "missing/out.csv";
    int code = 0;
    std::string message;
    try {
        uio::run([&]() -> task<void> {
            auto out = co_await atomic_output_file::create(final_path, false);
        }());
    } catch (const std::system_error& e) {
        code = e.code().value();
        message = e.what();
    }
    CHECK(code == ENOENT);
    // The user's path, not the hidden temporary's.
    CHECK(message == "cannot write '" + final_path + "': No such file or directory");
}

TEST_CASE("a bare file name is written in the current directory") {
    uio::testing::temp_dir dir;
    const fs::path previous = fs::current_path();
    fs::current_path(dir.path());
    std::string temp;
    try {
        uio::run([&]() -> task<void> {
            auto out = co_await atomic_output_file::create("here.csv", false);
            temp = out.temp_path();
            co_await out.write(std::string("a\n"));
            co_await out.commit();
        }());
    } catch (...) {
        fs::current_path(previous);
        throw;
    }
    fs::current_path(previous);
    CHECK(temp.rfind("./.ucopy-", 0) == 0);
    CHECK(uio::is_temp_name(temp.substr(2)));
    CHECK(uio::testing::read_file(dir / "here.csv") == "a\n");
}

TEST_CASE("a symlink at the final name is written through, as cp does: its target replaced") {
    uio::testing::temp_dir dir;
    fs::create_directory(dir / "elsewhere");
    const std::string target = dir / "elsewhere/target.csv";
    uio::testing::write_file(target, "yesterday\n");
    const ino_t before = inode_of(target);
    fs::create_symlink(target, dir / "out.csv");
    uio::run([&]() -> task<void> {
        auto out = co_await atomic_output_file::create(dir / "out.csv", false);
        // The temporary goes beside the target, so the rename replaces the target.
        CHECK(fs::path(out.temp_path()).parent_path() == dir / "elsewhere");
        co_await out.write(std::string("export\n"));
        CHECK(uio::testing::read_file(target) == "yesterday\n");  // until commit
        co_await out.commit();
    }());
    CHECK(fs::is_symlink(dir / "out.csv"));
    CHECK(uio::testing::read_file(target) == "export\n");
    CHECK(inode_of(target) != before);  // replaced atomically, not rewritten in place
    CHECK(uio::testing::list_dir(dir / "elsewhere") == std::vector<std::string>{"target.csv"});
}

TEST_CASE("creating an export removes the temporaries of dead writers in its directory") {
    uio::testing::temp_dir dir;
    // pid 0x7fffffff: beyond pid_max, never a running process.
    const std::string stale = dir / ".ucopy-7fffffff-1.tmp";
    uio::testing::write_file(stale, "half of a killed export");
    const std::string mine =
        dir / (".ucopy-" + [] {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%x", static_cast<unsigned>(::getpid()));
            return std::string(hex);
        }() + "-ffff.tmp");
    uio::testing::write_file(mine, "a live writer's");
    uio::testing::write_file(dir / ".ucopy-notes.tmp", "not in the scheme");
    uio::run([&]() -> task<void> {
        auto out = co_await atomic_output_file::create(dir / "out.csv", false);
        co_await out.write(std::string("a\n"));
        co_await out.commit();
    }());
    std::vector<std::string> left = uio::testing::list_dir(dir.path());
    std::sort(left.begin(), left.end());
    std::vector<std::string> expected{".ucopy-notes.tmp", fs::path(mine).filename().string(),
                                      "out.csv"};
    std::sort(expected.begin(), expected.end());
    CHECK(left == expected);
}

TEST_CASE("a moved-from file leaves the temporary file to its new owner") {
    uio::testing::temp_dir dir;
    const std::string final_path = dir / "moved.csv";
    uio::run([&]() -> task<void> {
        auto first = co_await atomic_output_file::create(final_path, false);
        co_await first.write(std::string("one,"));
        std::string temp = first.temp_path();
        std::optional<atomic_output_file> second;
        {
            atomic_output_file moved(std::move(first));
            second.emplace(std::move(moved));
        }  // `moved` (moved from) ends here
        CHECK(fs::exists(temp));
        CHECK(second->temp_path() == temp);
        CHECK(second->size() == 4);
        co_await second->write(std::string("two\n"));
        co_await second->commit();
    }());  // `first` (moved from) ends here
    CHECK(uio::testing::read_file(final_path) == "one,two\n");
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"moved.csv"});
}
