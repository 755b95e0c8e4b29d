// A tree copy ended by SIGTERM or SIGINT (a kill, a Ctrl-C) removes the temporaries of the
// files in flight before dying of the signal (uring/signal_cleanup.hpp, registered by
// file_copier.cpp). The test gate holds more files mid-copy than the old 32-slot table held,
// so every temporary is there, half written, when the signal lands: nothing is timed.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "copy_gate.hpp"
#include "spawn_logged.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

extern char** environ;

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

// ucopy-testable (the gate is a test hook) started with `env` added, SIGINT and SIGTERM at their
// default action even where this test runs with them ignored (a background job of a non-interactive
// shell ignores SIGINT).
pid_t spawn_ucopy(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const std::string& log) {
    std::vector<std::string> words{UCOPY_TESTABLE_BINARY, "--no-progress"};
    words.insert(words.end(), args.begin(), args.end());
    const pid_t pid = uio::testing::spawn_logged(words, log, env);
    REQUIRE(pid > 0);
    return pid;
}

// Exit code, or 128 + the signal, as a shell shows it.
int wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("a tree copy ended by SIGTERM or SIGINT leaves no temporary file") {
    const int signal = GENERATE(SIGTERM, SIGINT);
    INFO("signal " << signal);
    uio::testing::temp_dir work;
    // 3 directories of 40 files, each above the small-file path's size (64 KiB), so each is
    // copied under a temporary name; --no-staging puts them all in visible directories.
    const std::string chunk(100 * 1024, 'x');
    for (int d = 0; d < 3; ++d) {
        const std::string dir = work / ("src/d" + std::to_string(d));
        fs::create_directories(dir);
        for (int f = 0; f < 40; ++f) write_file(dir + "/f" + std::to_string(f), chunk);
    }
    fs::create_directory(work / "dst");
    constexpr unsigned in_flight = 48;  // more than the 32 slots signal_cleanup once had
    copy_gate gate(work / "gate");
    const pid_t pid = spawn_ucopy({"-a", "--strategy=read-write", "--no-staging", "--queue-depth",
                                   std::to_string(in_flight), work / "src/.", work / "dst"},
                                  gate.env(), work / "log");
    // Every worker holds a file whose first chunk is written: its temporary is there.
    const std::size_t arrived = gate.wait_for_arrivals(in_flight).size();
    const std::size_t held = temp_leftovers(work / "dst").size();
    REQUIRE(::kill(pid, signal) == 0);
    const int status = wait_status(pid);
    INFO(read_file(work / "log"));
    REQUIRE(arrived >= in_flight);
    CHECK(held >= in_flight);
    CHECK(status == 128 + signal);
    const std::vector<std::string> left = temp_leftovers(work / "dst");
    for (const std::string& name : left) UNSCOPED_INFO("left: " << name);
    CHECK(left.empty());
}
