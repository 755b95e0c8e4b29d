// Units of the engine that need no binary: temporary names, stale-temporary cleanup and
// cp's path arithmetic.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace {

// A child process that runs until its stdin pipe is closed: a live pid we control.
class live_child {
  public:
    live_child() {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(fds[1]);
            char c;
            while (::read(fds[0], &c, 1) > 0) {
            }
            ::_exit(0);
        }
        ::close(fds[0]);
        write_end_ = fds[1];
    }
    ~live_child() { end(); }
    pid_t pid() const { return pid_; }
    // Ends the child and reaps it: its pid is then no process of ours.
    void end() {
        if (write_end_ < 0) return;
        ::close(write_end_);
        write_end_ = -1;
        ::waitpid(pid_, nullptr, 0);
    }

  private:
    pid_t pid_ = -1;
    int write_end_ = -1;
};

// A name in the temporary scheme, as process `pid` would have made it.
std::string temp_name_of(pid_t pid, int n) {
    char text[64];
    std::snprintf(text, sizeof text, ".ucopy-%x-%x.tmp", static_cast<unsigned>(pid), n);
    return text;
}

}  // namespace

TEST_CASE("temporary names are recognised, and only they") {
    std::string a = uio::fs::temp_name(), b = uio::fs::temp_name();
    CHECK(a != b);
    CHECK(uio::fs::is_temp_name(a));
    CHECK_FALSE(uio::fs::is_temp_name(".ucopy-.tmp"));
    CHECK_FALSE(uio::fs::is_temp_name(".ucopy-notes.tmp"));
    CHECK_FALSE(uio::fs::is_temp_name("ucopy-1-2.tmp"));
    CHECK_FALSE(uio::fs::is_temp_name(".ucopy-1-2.tmp.bak"));
    CHECK_FALSE(uio::fs::is_temp_name(".ucopy-1A-2.tmp"));
    CHECK(uio::temp_name_owner(a) == ::getpid());
    CHECK(uio::temp_name_owner(".ucopy-2a-7.tmp") == 42);
    CHECK_FALSE(uio::temp_name_owner(".ucopy-0-7.tmp"));
    CHECK_FALSE(uio::temp_name_owner(".ucopy-fffffffff-7.tmp"));  // beyond any pid
}

TEST_CASE("stale-temporary cleanup removes a dead process's temporaries, never a live one's") {
    uio::testing::temp_dir dir;
    live_child running, finished;
    finished.end();
    const std::string live = temp_name_of(running.pid(), 1);
    const std::string dead = temp_name_of(finished.pid(), 1);
    const std::string dead_dir = temp_name_of(finished.pid(), 2);  // a staging directory
    for (const std::string& name : {live, dead, std::string(".ucopy-notes.tmp")}) {
        std::ofstream(dir / name) << "x";
    }
    std::filesystem::create_directory(dir / dead_dir);
    std::ofstream(std::filesystem::path(dir / dead_dir) / "inside") << "x";
    // This process's own temporaries (a table export's atomic_output_file uses the same
    // scheme) are live too.
    const std::string mine = uio::temp_name();
    std::ofstream(dir / mine) << "x";

    int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    uio::fs::remove_stale_temps(fd);
    CHECK(std::filesystem::exists(dir / live));
    CHECK(std::filesystem::exists(dir / mine));
    CHECK(std::filesystem::exists(dir / ".ucopy-notes.tmp"));
    CHECK_FALSE(std::filesystem::exists(dir / dead));
    CHECK_FALSE(std::filesystem::exists(dir / dead_dir));

    running.end();  // now its temporary is stale too
    uio::fs::remove_stale_temps(fd);
    CHECK_FALSE(std::filesystem::exists(dir / live));
    CHECK(std::filesystem::exists(dir / mine));
    ::close(fd);
}

TEST_CASE("base_name and dir_prefix follow cp's reading of paths") {
    CHECK(uio::fs::base_name("a/b/") == "b");
    CHECK(uio::fs::base_name("b") == "b");
    CHECK(uio::fs::base_name("/") == "/");
    CHECK(uio::fs::dir_prefix("a/b") == "a/");
    CHECK(uio::fs::dir_prefix("b") == "");
    CHECK(uio::fs::dir_prefix("/x") == "/");
}
