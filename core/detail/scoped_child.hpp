// A child coroutine that runs a task<void> under its own stop scope (from a given token),
// reports its error to a join_state, and destroys itself when done. The building block of
// task_group::spawn and with_timeout.
#pragma once

#include "uio/core/detail/join_state.hpp"
#include "uio/core/task.hpp"

namespace uio::detail {

// Runs `work` under its own stop scope linked to `token`; reports into `state`.
struct scoped_child {
    struct promise_type : promise_base {
        join_state* state;
        stop_scope own_scope;
        template <class... Args>
        promise_type(join_state& s, std::stop_token token, Args&&...)
            : state(&s), own_scope(std::move(token)) {
            set_scope(&own_scope);
        }
        scoped_child get_return_object() noexcept {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        auto final_suspend() const noexcept {
            struct awaiter {
                bool await_ready() const noexcept { return false; }
                std::coroutine_handle<> await_suspend(
                    std::coroutine_handle<promise_type> self) noexcept {
                    join_state* parent_state = self.promise().state;
                    self.destroy();
                    return parent_state->child_done();
                }
                void await_resume() const noexcept {}
            };
            return awaiter{};
        }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { state->record_error(std::current_exception()); }
    };
    std::coroutine_handle<promise_type> handle;
};

inline scoped_child run_scoped([[maybe_unused]] join_state& state,
                               [[maybe_unused]] std::stop_token token, task<void> work) {
    co_await std::move(work);
}

inline void start_scoped(join_state& state, std::stop_token token, task<void> work) {
    scoped_child child = run_scoped(state, std::move(token), std::move(work));
    state.add_child();
    child.handle.resume();
}

}  // namespace uio::detail
