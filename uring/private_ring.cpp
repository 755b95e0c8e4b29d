// private_ring: the flags first, then a plain ring where the kernel refuses them.
#include "uio/uring/private_ring.hpp"

namespace uio {

private_ring::private_ring(unsigned entries) noexcept {
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    if (io_uring_queue_init_params(entries, &ring_, &params) == 0) return;
    params = {};  // before 6.1: no deferred task work
    const int rc = io_uring_queue_init_params(entries, &ring_, &params);
    setup_error_ = rc < 0 ? -rc : 0;
}

private_ring::~private_ring() {
    if (ready()) io_uring_queue_exit(&ring_);
}

}  // namespace uio
