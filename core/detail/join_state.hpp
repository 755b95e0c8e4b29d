// Shared by when_all and task_group: a count of running children, the coroutine waiting for
// them, the first error, and the stop source that siblings share.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <utility>

#include "uio/core/errors.hpp"
#include "uio/core/stop_scope.hpp"

namespace uio::detail {

class join_state {
  public:
    explicit join_state(std::stop_token parent) : stop_(std::move(parent)) {}

    std::stop_token token() const noexcept { return stop_.get_token(); }
    void request_stop() noexcept { stop_.request_stop(); }

    // A child failed: keep the first real error (a cancellation only if nothing better comes)
    // and ask every sibling to stop.
    void record_error(std::exception_ptr error) noexcept {
        bool cancellation = is_cancellation(error);
        if (!first_error_ || (first_error_is_cancellation_ && !cancellation)) {
            first_error_ = std::move(error);
            first_error_is_cancellation_ = cancellation;
        }
        stop_.request_stop();
    }
    const std::exception_ptr& first_error() const noexcept { return first_error_; }
    void rethrow_if_failed() const {
        if (first_error_) std::rethrow_exception(first_error_);
    }

    void add_child() noexcept { ++running_; }
    std::size_t running() const noexcept { return running_; }

    // A child finished: returns the waiter to resume if it was the last one.
    std::coroutine_handle<> child_done() noexcept {
        if (--running_ == 0 && waiter_) return std::exchange(waiter_, {});
        return std::noop_coroutine();
    }

    // co_await join(): suspends until no child runs.
    auto join() noexcept {
        struct awaiter {
            join_state* state;
            bool await_ready() const noexcept { return state->running_ == 0; }
            void await_suspend(std::coroutine_handle<> waiter) noexcept { state->waiter_ = waiter; }
            void await_resume() const noexcept {}
        };
        return awaiter{this};
    }

  private:
    linked_stop_source stop_;
    std::size_t running_ = 0;
    std::coroutine_handle<> waiter_;
    std::exception_ptr first_error_;
    bool first_error_is_cancellation_ = false;
};

}  // namespace uio::detail
