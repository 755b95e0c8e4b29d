#include "uio/uring/io_context.hpp"

#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace uio {

namespace {

thread_local io_context* current_context = nullptr;

// user_data values that are not operations.
constexpr std::uint64_t internal_completion = 0;  // async cancels: nothing to resume
constexpr std::uint64_t wakeup_completion = 1;    // the eventfd read that post() triggers

// A blocking wait that took longer than this per request it submitted was waiting for a device
// (or another thread), not for the kernel to finish the requests inline during the call.
constexpr std::int64_t device_wait_per_request_ns = 10000;
constexpr unsigned device_turns_after_wait = 4;

std::string read_sysctl(const char* path) {
    std::ifstream in(path);
    std::string value;
    in >> value;
    return value;
}

[[noreturn]] void throw_setup_error(int error) {
    std::string message = "cannot create an io_uring: ";
    switch (error) {
        case ENOSYS:
            message +=
                "the kernel has no io_uring support (ENOSYS); uio needs Linux 5.19 "
                "or newer built with CONFIG_IO_URING";
            break;
        case EPERM: {
            std::string disabled = read_sysctl("/proc/sys/kernel/io_uring_disabled");
            message += "not permitted (EPERM)";
            if (!disabled.empty() && disabled != "0") {
                message +=
                    "; io_uring is disabled by the sysctl kernel.io_uring_disabled=" + disabled +
                    ": run `sysctl -w kernel.io_uring_disabled=0` as root" +
                    " (or add this user to kernel.io_uring_group when it is 1)";
            } else {
                message +=
                    "; a seccomp filter (containers often have one) may be blocking "
                    "io_uring_setup: allow it, or run outside the sandbox";
            }
            break;
        }
        case ENOMEM:
            message +=
                "out of locked memory (ENOMEM); raise RLIMIT_MEMLOCK (ulimit -l) or "
                "use fewer entries";
            break;
        default:
            message += std::strerror(error);
    }
    throw std::system_error(error, std::generic_category(), message);
}

struct setup_attempt {
    unsigned flags;
    const char* description;
};

}  // namespace

io_context::io_context(io_context_options options) {
    const setup_attempt plain_attempts[] = {
        {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL,
         "single_issuer+defer_taskrun"},
        {IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL, "coop_taskrun"},
        {0, "plain"},
    };
    const setup_attempt sqpoll_attempts[] = {
        {IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SUBMIT_ALL,
         "sqpoll+single_issuer"},
        {IORING_SETUP_SQPOLL, "sqpoll"},
    };
    const setup_attempt* attempts = options.sqpoll ? sqpoll_attempts : plain_attempts;
    std::size_t count = options.sqpoll ? std::size(sqpoll_attempts) : std::size(plain_attempts);

    int error = EINVAL;
    for (std::size_t i = 0; i < count; ++i) {
        io_uring_params params{};
        params.flags = attempts[i].flags;
        if (options.sqpoll) params.sq_thread_idle = options.sqpoll_idle_ms;
        int rc = io_uring_queue_init_params(options.entries, &ring_, &params);
        if (rc == 0) {
            setup_description_ = attempts[i].description;
            error = 0;
            break;
        }
        error = -rc;
        if (error != EINVAL) break;  // EINVAL: this kernel lacks a flag; anything else is final
    }
    if (error != 0) throw_setup_error(error);

    max_in_flight_ = options.max_in_flight != 0 ? options.max_in_flight : *ring_.cq.kring_entries;
    early_submit_batch_ = options.early_submit_batch;
    wakeup_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (wakeup_fd_ < 0) {
        int e = errno;
        io_uring_queue_exit(&ring_);
        throw std::system_error(e, std::generic_category(), "eventfd for io_context wake-ups");
    }
}

io_context::~io_context() {
    // The wake-up read targets our own buffer: cancel it and wait for its CQE before the
    // memory goes away. Every other request belongs to a task that has finished by now.
    if (wakeup_armed_) {
        if (io_uring_sqe* sqe = next_sqe()) {
            io_uring_prep_cancel64(sqe, wakeup_completion, 0);
            io_uring_sqe_set_data64(sqe, internal_completion);
            ++in_flight_;
        }
        while (wakeup_armed_ && in_flight_ > 0) {
            io_uring_cqe* cqe = nullptr;
            if (io_uring_submit_and_wait(&ring_, 1) < 0) break;
            while (io_uring_peek_cqe(&ring_, &cqe) == 0) {
                if (cqe->user_data == wakeup_completion) wakeup_armed_ = false;
                io_uring_cqe_seen(&ring_, cqe);
                --in_flight_;
            }
        }
    }
    io_uring_queue_exit(&ring_);
    std::lock_guard lock(posted_mutex_);  // a post() still inside its critical section ends first
    ::close(wakeup_fd_);
}

io_context& io_context::current() {
    if (current_context == nullptr) {
        throw std::logic_error("no uio::io_context runs on this thread (await inside run())");
    }
    return *current_context;
}

io_context* io_context::current_or_null() noexcept {
    return current_context;
}

void io_context::enter() noexcept {
    previous_scheduler_ = make_current(this);
    previous_context_ = std::exchange(current_context, this);
}

void io_context::leave() noexcept {
    make_current(previous_scheduler_);
    current_context = previous_context_;
}

void io_context::post(std::function<void()> work) {
    // Signal while holding the lock: once the loop can see this work it may finish and
    // destroy the context, so nothing here may touch `this` after the lock is released.
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(work));
    if (!wakeup_pending_.exchange(true, std::memory_order_acq_rel)) {
        std::uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(wakeup_fd_, &one, sizeof one);
    }
}

void io_context::drain_posted() {
    // Clear the flag before taking the queue: a post() racing with us then writes the eventfd
    // again, so its work is never stranded.
    wakeup_pending_.store(false, std::memory_order_release);
    std::vector<std::function<void()>> work;
    {
        std::lock_guard lock(posted_mutex_);
        work.swap(posted_);
    }
    for (auto& fn : work) fn();
}

io_uring_sqe* io_context::next_sqe() noexcept {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
        // The submission queue is full of prepared requests: hand them to the kernel.
        io_uring_submit(&ring_);
        ++stats_.enter_calls;
        sqe = io_uring_get_sqe(&ring_);
        if (sqe == nullptr && (ring_.flags & IORING_SETUP_SQPOLL)) {
            io_uring_sqring_wait(&ring_);
            sqe = io_uring_get_sqe(&ring_);
        }
    }
    return sqe;
}

bool io_context::prepare(io_operation& op) noexcept {
    if (op.has_deadline_ && io_uring_sq_space_left(&ring_) < 2) {
        io_uring_submit(&ring_);  // a request and its linked timeout must be adjacent
        ++stats_.enter_calls;
        if (io_uring_sq_space_left(&ring_) < 2) return false;
    }
    io_uring_sqe* sqe = next_sqe();
    if (sqe == nullptr) return false;
    op.prepare_(op, *sqe);
    io_uring_sqe_set_data(sqe, &op);
    ++in_flight_;
    ++stats_.submitted;
    if (op.has_deadline_) {
        sqe->flags |= IOSQE_IO_LINK;
        io_uring_sqe* timeout = io_uring_get_sqe(&ring_);
        io_uring_prep_link_timeout(timeout, &op.deadline_, 0);
        io_uring_sqe_set_data64(timeout, internal_completion);
        ++in_flight_;
    }
    return true;
}

void io_context::enqueue(io_operation& op) noexcept {
    queue_.push_back(&op);
    ++stats_.waited_for_room;
}

void io_context::submit(io_operation& op) noexcept {
    op.context_ = this;
    if (queue_.empty() && in_flight_ < max_in_flight_ && prepare(op)) return;
    enqueue(op);
}

void io_context::refill_from_queue() noexcept {
    while (!queue_.empty() && in_flight_ < max_in_flight_) {
        io_operation* op = queue_.pop_front();
        if (!prepare(*op)) {  // no SQE even after a submit: try again next turn
            queue_.push_front(op);
            return;
        }
    }
}

void io_context::cancel(io_operation& op) noexcept {
    if (op.linked()) {
        // Never reached the kernel: unlink and complete it as cancelled on a later turn.
        queue_.remove(&op);
        op.result = -ECANCELED;
        schedule(op.waiter_);
        return;
    }
    if (io_uring_sqe* sqe = next_sqe()) {
        io_uring_prep_cancel64(sqe, reinterpret_cast<std::uint64_t>(&op), 0);
        io_uring_sqe_set_data64(sqe, internal_completion);
        ++in_flight_;
    }
    // With no SQE at all the request simply runs to completion; its buffer is still owned.
}

void io_context::arm_wakeup() noexcept {
    if (io_uring_sqe* sqe = next_sqe()) {
        io_uring_prep_read(sqe, wakeup_fd_, &wakeup_value_, sizeof wakeup_value_, 0);
        io_uring_sqe_set_data64(sqe, wakeup_completion);
        ++in_flight_;
        wakeup_armed_ = true;
    }
}

void io_context::run_until(const bool& done) {
    if (!wakeup_armed_) arm_wakeup();
    while (!done) {
        // Resume what became ready during the last turn; what they make ready now waits for
        // the next turn so completions are not starved.
        for (std::size_t n = ready_.size(); n > 0 && !done; --n) {
            std::coroutine_handle<> handle = ready_.front();
            ready_.pop_front();
            handle.resume();
        }
        if (done) break;
        turn(ready_.empty());
    }
}

// Submits and blocks until at least one completion arrives, and notes whether the
// completions it returns came from a device: that decides whether reap() submits early.
int io_context::wait_for_completions() {
    // Early submission needs at least early_submit_batch requests in flight to matter.
    if (early_submit_batch_ == 0 || in_flight_ < early_submit_batch_) {
        return io_uring_submit_and_wait(&ring_, 1);
    }
    const auto start = std::chrono::steady_clock::now();
    const int rc = io_uring_submit_and_wait(&ring_, 1);
    const std::int64_t waited = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::steady_clock::now() - start)
                                    .count();
    const std::int64_t submitted = rc > 0 ? rc : 0;
    if (waited > device_wait_per_request_ns * (submitted + 1) && slept()) {
        // The kernel hands out a woken wait's completions over the next few calls (it runs
        // only as much deferred task work as min_complete asks for before returning), and
        // those calls return at once: count the burst as a device's for a few more turns.
        device_turns_ = device_turns_after_wait;
    } else if (device_turns_ > 0) {
        --device_turns_;
    }
    return rc;
}

// Whether the thread went to sleep (a voluntary context switch) since the last call. A long
// wait that did not sleep was a preemption on a busy machine, not a device: without this
// check, page-cache reads on a loaded machine took the early-submission path now and then.
// One getrusage per long wait: about once per burst, never for NOPs or page-cache hits.
bool io_context::slept() noexcept {
    rusage usage{};
    if (::getrusage(RUSAGE_THREAD, &usage) != 0) return true;
    const bool slept = usage.ru_nvcsw != voluntary_switches_;
    voluntary_switches_ = usage.ru_nvcsw;
    return slept;
}

void io_context::turn(bool may_block) {
    int rc;
    if (may_block) {
        rc = wait_for_completions();
    } else if (ring_.flags & IORING_SETUP_DEFER_TASKRUN) {
        rc = io_uring_submit_and_get_events(&ring_);  // deferred completions need GETEVENTS
    } else {
        rc = io_uring_submit(&ring_);
    }
    ++stats_.enter_calls;
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY && rc != -ETIME) {
        throw std::system_error(-rc, std::generic_category(), "io_uring_enter");
    }
    reap();
}

// Early submission. A device that completes a burst of requests at once (virtio disks do,
// NVMe under load nearly so) leaves the loop with many completions to process; each resumed
// coroutine prepares its next request. Submitting them all at the end of the burst leaves the
// device idle while the whole burst is processed (resumes, checksums, whatever the tasks
// do), and the first request prepared waits longest. So when the completions came
// from a device (the blocking wait lasted longer than the kernel needs to finish the requests
// inline: device_wait_per_request_ns), every early_submit_batch prepared requests go to the
// kernel at once, as fio does (it submits every few I/Os). Measured on this project's VM,
// O_DIRECT 4 KiB reads at QD 32, six back-to-back pairs with fio: 0.87x fio's IOPS without,
// 0.99-1.04x with (batches of 2, 4 or 8 alike).
// NOPs and page-cache hits complete inline during the submitting call, so their waits are
// short and they keep one io_uring_enter per turn (an extra system call per 4 NOPs would be
// pure overhead).
//
// Waiting for several completions at once (min_complete > 1 with a short timeout) was tried
// and rejected: the loop already sleeps once per burst (about once per 32 completions at QD
// 32, as often as fio), so the timeout only added timer wake-ups (twice the context
// switches) and cost IOPS (0.78x fio). Spinning on the CQ before sleeping did not help either.
void io_context::reap() {
    struct completion {
        std::uint64_t user_data;
        int res;
        std::uint32_t flags;
    };
    constexpr unsigned batch = 128;
    io_uring_cqe* cqes[batch];
    completion done[batch];
    for (;;) {
        unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, batch);
        if (n == 0) return;
        // Copy and release the CQ slots before resuming anyone, so the kernel has room.
        for (unsigned i = 0; i < n; ++i) {
            done[i] = {cqes[i]->user_data, cqes[i]->res, cqes[i]->flags};
        }
        io_uring_cq_advance(&ring_, n);
        in_flight_ -= n;
        refill_from_queue();
        for (unsigned i = 0; i < n; ++i) {
            const completion& c = done[i];
            if (c.user_data == internal_completion) continue;
            if (c.user_data == wakeup_completion) {
                wakeup_armed_ = false;
                drain_posted();
                arm_wakeup();
                continue;
            }
            ++stats_.completed;
            reinterpret_cast<io_operation*>(c.user_data)->complete(c.res, c.flags);
            if (device_turns_ > 0 && io_uring_sq_ready(&ring_) >= early_submit_batch_) {
                io_uring_submit(&ring_);  // see "Early submission" above reap()
                ++stats_.enter_calls;
                ++stats_.early_submits;
            }
        }
        if (n < batch) return;
    }
}

void io_operation::submit() noexcept {
    io_context::current().submit(*this);
}

void io_operation::cancel() noexcept {
    context_->cancel(*this);
}

}  // namespace uio
