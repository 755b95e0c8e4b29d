// Time on the ring: sleep_for (asyncio.sleep) and with_timeout (asyncio.wait_for). Both use
// io_uring timeout requests, not threads or timerfds.
//
//   co_await uio::sleep_for(10ms);
//   auto rows = co_await uio::with_timeout(fetch_rows(), 5s);  // errc::timed_out if late
#pragma once

#include <chrono>
#include <optional>

#include "uio/core/detail/scoped_child.hpp"
#include "uio/core/task.hpp"
#include "uio/uring/kernel_timespec.hpp"
#include "uio/uring/operations.hpp"

namespace uio {

namespace detail {

struct sleep_awaitable {
    __kernel_timespec duration;
    decltype(timeout(nullptr)) request = timeout(&duration);

    explicit sleep_awaitable(std::chrono::nanoseconds d) noexcept
        : duration(to_kernel_timespec(d)) {}
    sleep_awaitable(const sleep_awaitable&) = delete;

    bool await_ready() const noexcept { return false; }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
        return request.await_suspend(handle);
    }
    void await_resume() {
        int rc = request.await_resume();
        if (rc < 0 && rc != -ETIME) throw_errno(rc, "sleep_for");
    }
};

}  // namespace detail

// Suspends the task for `duration` (asyncio.sleep). Cancellable.
[[nodiscard("must co_await sleep_for()")]] inline detail::sleep_awaitable sleep_for(
    std::chrono::nanoseconds duration) noexcept {
    return detail::sleep_awaitable(duration);
}

// Runs `work`; if it has not finished after `limit`, stops it, waits for it to wind down
// and throws std::system_error(errc::timed_out). A value that arrives despite the stop is
// returned. A stop of the caller propagates as a cancellation, not a timeout.
template <class T>
task<T> with_timeout(task<T> work, std::chrono::nanoseconds limit) {
    std::stop_token parent = co_await current_stop_token();
    detail::join_state state({});
    linked_stop_source work_stop(parent);
    linked_stop_source timer_stop(parent);
    bool expired = false;
    std::optional<result_of_t<T>> value;
    std::exception_ptr error;

    auto guarded = [&]() -> task<void> {
        try {
            if constexpr (std::is_void_v<T>) {
                co_await std::move(work);
                value.emplace();
            } else {
                value.emplace(co_await std::move(work));
            }
        } catch (...) {
            error = std::current_exception();
        }
        timer_stop.request_stop();
    };
    auto timer = [&]() -> task<void> {
        try {
            co_await sleep_for(limit);
            expired = true;
            work_stop.request_stop();
        } catch (...) {  // cancelled because the work finished first
        }
    };
    detail::start_scoped(state, work_stop.get_token(), guarded());
    detail::start_scoped(state, timer_stop.get_token(), timer());
    co_await state.join();

    if constexpr (std::is_void_v<T>) {
        if (value) co_return;
    } else {
        if (value) co_return std::move(*value);
    }
    if (expired && is_cancellation(error) && !parent.stop_requested()) throw_timed_out();
    std::rethrow_exception(error);
}

}  // namespace uio
