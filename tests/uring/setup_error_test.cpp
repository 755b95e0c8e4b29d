// When io_uring cannot be used, io_context says so and how to fix it. A child process
// installs a seccomp filter that makes io_uring_setup fail, as a container sandbox would.
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "deny_io_uring.hpp"
#include "test_support.hpp"
#include "uio/uring/io_context.hpp"

namespace {

// Runs in a forked child: deny io_uring_setup with `error`, then try to make a context.
// Exit codes: 0 the message was right, 1 it was not, 2 no exception, 77 seccomp unavailable.
[[noreturn]] void child(int error, const char* expected) {
    if (!uio::testing::deny_io_uring_setup(error)) {
        std::_Exit(77);
    }
    try {
        uio::io_context context;
    } catch (const std::system_error& e) {
        bool right = e.code().value() == error && std::strstr(e.what(), expected) != nullptr;
        if (!right) std::fprintf(stderr, "message: %s\n", e.what());
        std::_Exit(right ? 0 : 1);
    }
    std::_Exit(2);
}

int run_child(int error, const char* expected) {
    pid_t pid = ::fork();
    if (pid == 0) child(error, expected);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("a kernel without io_uring gives an error that says so") {
    int rc = run_child(ENOSYS, "no io_uring support");
    if (rc == 77) uio::testing::skip("seccomp filters cannot be installed here");
    CHECK(rc == 0);
}

TEST_CASE("io_uring blocked by policy gives an error that says how to fix it") {
    int rc = run_child(EPERM, "io_uring");
    if (rc == 77) uio::testing::skip("seccomp filters cannot be installed here");
    CHECK(rc == 0);
}
