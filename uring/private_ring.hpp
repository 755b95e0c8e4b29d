// private_ring: a raw liburing ring owned by the one thread that made it, for blocking code
// that submits and reaps by itself (uio::statx_batch, ucopy's small-file chains) rather than
// through an io_context. Set up with IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN
// (the kernel skips the locking and task-work interrupts a shared ring needs; completions
// are run when the owner waits for them), or plain where the kernel lacks those (before
// 6.1). Never throws: where io_uring cannot be set up at all, ready() is false and the
// caller takes its fallback (plain system calls).
//
// Threads: only the thread that constructed it may submit or wait on it (SINGLE_ISSUER);
// make it thread_local or a member of a thread's own state.
#pragma once

#include <liburing.h>

namespace uio {

class private_ring {
  public:
    // Tries the single-issuer flags, then a plain ring, with `entries` submission entries.
    explicit private_ring(unsigned entries) noexcept;
    ~private_ring();
    private_ring(const private_ring&) = delete;
    private_ring& operator=(const private_ring&) = delete;

    // Whether a ring was set up; when false, setup_error() says why (an errno value).
    bool ready() const noexcept { return setup_error_ == 0; }
    int setup_error() const noexcept { return setup_error_; }

    // The ring, for liburing's calls. Only while ready().
    io_uring* get() noexcept { return &ring_; }

  private:
    io_uring ring_{};
    int setup_error_ = 0;
};

}  // namespace uio
