// private_ring: a thread's own raw ring, single-issuer where the kernel has it, plain where
// it does not, and no ring (with the reason) where io_uring cannot be set up at all.
#include "uio/uring/private_ring.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "deny_io_uring.hpp"
#include "test_support.hpp"

namespace {

// Whether this kernel takes the single-issuer flags (Linux 6.1 and later), asked directly.
bool kernel_takes_private_ring_flags() {
    io_uring ring{};
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    if (io_uring_queue_init_params(4, &ring, &params) != 0) return false;
    io_uring_queue_exit(&ring);
    return true;
}

}  // namespace

TEST_CASE("a private ring is single-issuer where the kernel allows it, and runs requests") {
    uio::private_ring ring(8);
    if (!ring.ready()) uio::testing::skip("io_uring cannot be set up here");
    CHECK(ring.setup_error() == 0);
    const unsigned wanted = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    if (kernel_takes_private_ring_flags()) {
        CHECK((ring.get()->flags & wanted) == wanted);
    } else {
        CHECK((ring.get()->flags & wanted) == 0);  // the plain ring instead
    }
    io_uring_sqe* sqe = io_uring_get_sqe(ring.get());
    REQUIRE(sqe != nullptr);
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, 42);
    REQUIRE(io_uring_submit_and_wait(ring.get(), 1) == 1);
    io_uring_cqe* cqe = nullptr;
    REQUIRE(io_uring_peek_cqe(ring.get(), &cqe) == 0);
    CHECK(cqe->user_data == 42);
    CHECK(cqe->res == 0);
    io_uring_cqe_seen(ring.get(), cqe);
}

TEST_CASE("a private ring that cannot be made says why instead of throwing") {
    uio::private_ring too_large(1u << 30);  // beyond IORING_MAX_ENTRIES, even clamped
    CHECK_FALSE(too_large.ready());
    CHECK(too_large.setup_error() == EINVAL);

    // Where io_uring is blocked (a sandbox), in a child: the filter stays with the process.
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (!uio::testing::deny_io_uring_setup(EPERM)) std::_Exit(77);
        uio::private_ring denied(8);
        std::_Exit(!denied.ready() && denied.setup_error() == EPERM ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) uio::testing::skip("seccomp filters cannot be installed here");
    CHECK(WEXITSTATUS(status) == 0);
}
