// statx_batch: the thread's ring, filled and drained one window of requests at a time.
#include "uio/uring/statx_batch.hpp"

#include <liburing.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "uio/uring/private_ring.hpp"

namespace uio {

namespace {

// Requests in flight at once: two per name of a walk's batch of 256.
constexpr unsigned ring_entries = 512;

// io-wq workers per ring. One leaves the thread idle while its worker runs the batch; more
// than two only add context switches on a small machine (the walk has one ring per pool
// thread, so a 2-core VM already runs four).
constexpr unsigned bounded_workers = 2;

// Makes the calling thread SCHED_BATCH while it lives, when it is SCHED_OTHER (never touching
// real-time or idle threads). io-wq workers are made by, and take the policy of, the thread
// that submits: a SCHED_OTHER worker woken for the first statx of a batch preempts its
// submitter on the same core, stats one name, finds the queue empty, sleeps, and the two
// take turns per request. A SCHED_BATCH worker does not preempt on waking, so the whole
// batch is queued first and each worker then runs through it. Measured, two threads stat'ing
// 100,000 cached names on both sides: 160,000 context switches and 0.25 s without, 850 and
// 0.15 s with.
class batch_policy {
  public:
    batch_policy() {
        if (::sched_getscheduler(0) != SCHED_OTHER) return;
        sched_param none{};
        changed_ = ::sched_setscheduler(0, SCHED_BATCH, &none) == 0;
    }
    ~batch_policy() {
        sched_param none{};
        if (changed_) ::sched_setscheduler(0, SCHED_OTHER, &none);
    }
    batch_policy(const batch_policy&) = delete;
    batch_policy& operator=(const batch_policy&) = delete;

  private:
    bool changed_ = false;
};

class thread_ring {
  public:
    thread_ring() {
        if (!owned_.ready()) return;
        unsigned workers[2] = {bounded_workers, 0};  // 0: unbounded workers as they are
        io_uring_register_iowq_max_workers(ring_, workers);
    }

    bool usable() const noexcept { return owned_.ready() && !abandoned_; }

    // All of `window` (at most ring_entries) in flight, then every completion reaped.
    void run(std::span<statx_request> window, unsigned mask) {
        const batch_policy policy;  // for workers made now and for the wait (see above)
        for (std::size_t i = 0; i < window.size(); ++i) {
            statx_request& r = window[i];
            io_uring_sqe* sqe = io_uring_get_sqe(ring_);
            io_uring_prep_statx(sqe, r.dir_fd, r.name, r.flags, mask, r.result);
            io_uring_sqe_set_data64(sqe, i);
        }
        std::size_t done = 0;
        bool submitted = false;
        while (done < window.size()) {
            const int rc =
                io_uring_submit_and_wait(ring_, static_cast<unsigned>(window.size() - done));
            if (rc > 0) submitted = true;
            if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY && !submitted) {
                // Nothing reached the kernel, so nothing is in flight: the stats are made here,
                // and the ring, whose queue still holds this window, is not used again.
                abandoned_ = true;
                for (statx_request& r : window) {
                    r.error = ::statx(r.dir_fd, r.name, r.flags, mask, r.result) == 0 ? 0 : errno;
                }
                return;
            }
            // Any other failure once requests are in flight: their completions still come (and
            // write into `window`), so only waiting again is safe.
            unsigned head;
            unsigned seen = 0;
            io_uring_cqe* cqe;
            io_uring_for_each_cqe(ring_, head, cqe) {
                window[cqe->user_data].error = cqe->res < 0 ? -cqe->res : 0;
                ++seen;
            }
            io_uring_cq_advance(ring_, seen);
            done += seen;
        }
    }

  private:
    private_ring owned_{ring_entries};
    io_uring* ring_ = owned_.get();
    bool abandoned_ = false;  // its queue holds requests never submitted: statx(2) instead
};

}  // namespace

void statx_batch(std::span<statx_request> requests, unsigned mask) {
    thread_local thread_ring ring;
    if (!ring.usable()) {
        for (statx_request& r : requests) {
            r.error = ::statx(r.dir_fd, r.name, r.flags, mask, r.result) == 0 ? 0 : errno;
        }
        return;
    }
    for (std::size_t at = 0; at < requests.size(); at += ring_entries) {
        ring.run(requests.subspan(at, std::min<std::size_t>(ring_entries, requests.size() - at)),
                 mask);
    }
}

}  // namespace uio
