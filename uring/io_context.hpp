// io_context: the proactor. One io_uring and one event loop per thread.
//
// Each turn of the loop resumes the coroutines that are ready, then makes one
// io_uring_enter call that both submits every request prepared during the turn and waits for
// completions, then resumes the coroutine behind each completion; while a burst of device
// completions is being processed, prepared requests go to the kernel every few completions
// instead of at the end of the burst (see early_submit_batch). When the
// submission queue is full, or as many requests are in flight as the completion queue can
// hold, further requests wait in a FIFO inside the context instead of failing.
//
// Threads: an io_context is created, run and destroyed on one thread (the ring is set up
// with IORING_SETUP_SINGLE_ISSUER where the kernel has it). Only post() and request_stop()
// may be called from other threads; they wake the loop through an eventfd read on the ring.
#pragma once

#include <liburing.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "uio/core/scheduler.hpp"
#include "uio/core/task.hpp"
#include "uio/uring/io_operation.hpp"

namespace uio {

struct io_context_options {
    unsigned entries = 256;      // submission queue size (the completion queue is twice it)
    unsigned max_in_flight = 0;  // 0: as many as the completion queue holds
    bool sqpoll = false;         // a kernel thread polls the submission queue
    unsigned sqpoll_idle_ms = 1000;
    // While processing completions that came from a device, submit as soon as this many
    // requests are prepared rather than at the end of the turn, so the device starts on them
    // sooner. 0: submit once per turn only.
    unsigned early_submit_batch = 4;
};

class io_context final : public scheduler {
  public:
    explicit io_context(io_context_options options = {});
    ~io_context();

    // asyncio.run: runs `main` and the tasks it awaits until it finishes; returns its value
    // or rethrows its exception.
    template <class T>
    T run(task<T> main);

    // Asks the task passed to run() to stop (any thread). Its pending operations are cancelled.
    void request_stop() noexcept { stop_source_.request_stop(); }

    void schedule(std::coroutine_handle<> handle) override { ready_.push_back(handle); }
    void post(std::function<void()> work) override;

    // The context running on this thread; throws std::logic_error outside run().
    static io_context& current();
    static io_context* current_or_null() noexcept;

    unsigned setup_flags() const noexcept { return ring_.flags; }
    unsigned features() const noexcept { return ring_.features; }
    // "single_issuer+defer_taskrun", "coop_taskrun", "sqpoll" ...: what setup succeeded.
    const std::string& setup_description() const noexcept { return setup_description_; }

    struct statistics {
        std::uint64_t submitted = 0;        // requests handed to the ring
        std::uint64_t completed = 0;        // CQEs for requests
        std::uint64_t waited_for_room = 0;  // requests that had to wait in the FIFO
        std::uint64_t enter_calls = 0;      // io_uring_enter system calls made by the loop
        std::uint64_t early_submits = 0;    // enter_calls made mid-turn (early_submit_batch)
    };
    const statistics& stats() const noexcept { return stats_; }
    unsigned in_flight() const noexcept { return in_flight_; }
    unsigned max_in_flight() const noexcept { return max_in_flight_; }

  private:
    // The ring itself is reached only by uring/'s own types (loop thread only): operations
    // submit and cancel themselves, registrations register on it.
    friend class io_operation;
    friend class buffer_pool;
    friend class registered_files;
    io_uring& ring() noexcept { return ring_; }
    void submit(io_operation& op) noexcept;
    void cancel(io_operation& op) noexcept;

    void enter() noexcept;  // makes this the current context of the thread (run may nest)
    void leave() noexcept;
    void run_until(const bool& done);
    void turn(bool may_block);
    int wait_for_completions();
    bool slept() noexcept;
    void reap();
    void refill_from_queue() noexcept;
    io_uring_sqe* next_sqe() noexcept;
    bool prepare(io_operation& op) noexcept;
    void enqueue(io_operation& op) noexcept;
    void arm_wakeup() noexcept;
    void drain_posted();

    // Loop thread only.
    io_uring ring_{};
    std::string setup_description_;
    unsigned max_in_flight_ = 0;
    unsigned in_flight_ = 0;  // CQEs still to come (requests, cancels, the wake-up read)
    std::deque<std::coroutine_handle<>> ready_;
    detail::waiter_list<io_operation> queue_;  // requests waiting for room, FIFO
    std::uint64_t wakeup_value_ = 0;
    bool wakeup_armed_ = false;
    unsigned early_submit_batch_ = 0;
    unsigned device_turns_ = 0;    // > 0: recent completions came from a device (submit early)
    long voluntary_switches_ = 0;  // the thread's ru_nvcsw when slept() last looked
    statistics stats_;
    scheduler* previous_scheduler_ = nullptr;
    io_context* previous_context_ = nullptr;

    // Any thread.
    int wakeup_fd_ = -1;
    std::atomic<bool> wakeup_pending_{false};
    std::mutex posted_mutex_;
    std::vector<std::function<void()>> posted_;
    std::stop_source stop_source_;
};

namespace detail {

// Runs the main task under the context's root stop scope and records its outcome.
struct root_driver {
    struct promise_type : promise_base {
        bool* done = nullptr;
        root_driver get_return_object() noexcept {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        std::suspend_always final_suspend() const noexcept {
            *done = true;
            return {};
        }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { std::terminate(); }  // run_root catches all
    };
    std::coroutine_handle<promise_type> handle;
};

template <class T>
root_driver run_root(task<T> main, stop_scope& scope, std::optional<result_of_t<T>>& value,
                     std::exception_ptr& error) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(main).in_scope(scope);
            value.emplace();
        } else {
            value.emplace(co_await std::move(main).in_scope(scope));
        }
    } catch (...) {
        error = std::current_exception();
    }
}

}  // namespace detail

template <class T>
T io_context::run(task<T> main) {
    std::optional<result_of_t<T>> value;
    std::exception_ptr error;
    bool done = false;
    {
        enter();
        stop_scope root_scope(stop_source_.get_token());
        detail::root_driver driver = detail::run_root(std::move(main), root_scope, value, error);
        driver.handle.promise().done = &done;
        driver.handle.resume();
        try {
            run_until(done);
        } catch (...) {
            driver.handle.destroy();
            leave();
            throw;
        }
        driver.handle.destroy();
        leave();
    }
    if (error) std::rethrow_exception(error);
    if constexpr (!std::is_void_v<T>) return std::move(*value);
}

// asyncio.run(main()): a fresh io_context for this thread, run until `main` finishes.
template <class T>
T run(task<T> main, io_context_options options = {}) {
    io_context context(options);
    return context.run(std::move(main));
}

}  // namespace uio
