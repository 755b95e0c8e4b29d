// offload: asyncio.to_thread. Runs `fn` on a thread pool and resumes the awaiting coroutine
// on its own loop thread with fn's result (or exception). Use it for CPU-bound work
// (hashing, parsing) and for calls that block (SQLite, PQcancel), never for I/O the ring
// can do.
//
//   std::uint64_t digest = co_await uio::offload([&] { return hash(bytes); });
//
// If fn takes a std::stop_token it receives the awaiting task's token, so long work can
// notice a stop; a job already running is otherwise waited for, not abandoned.
#pragma once

#include <exception>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <variant>

#include "uio/core/errors.hpp"
#include "uio/core/scheduler.hpp"
#include "uio/core/task.hpp"
#include "uio/core/thread_pool.hpp"

namespace uio {

namespace detail {

template <class Fn>
auto invoke_with_token(Fn& fn, const std::stop_token& token) {
    if constexpr (std::is_invocable_v<Fn&, std::stop_token>) {
        return fn(token);
    } else {
        return fn();
    }
}

template <class Fn>
using offload_result_t = decltype(invoke_with_token(std::declval<Fn&>(), std::stop_token{}));

template <class Fn>
class offload_awaiter {
  public:
    using result_type = offload_result_t<Fn>;

    offload_awaiter(thread_pool& pool, Fn fn) : pool_(pool), fn_(std::move(fn)) {}

    bool await_ready() const noexcept { return false; }

    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) {
        stop_scope* scope = scope_of(handle);
        if (scope && scope->stop_requested()) {
            cancelled_ = true;
            return false;
        }
        std::stop_token token = scope ? scope->token() : std::stop_token{};
        scheduler* loop = scheduler::current();
        pool_.submit([this, handle, loop, token = std::move(token)] {
            try {
                if constexpr (std::is_void_v<result_type>) {
                    invoke_with_token(fn_, token);
                    result_.template emplace<1>();
                } else {
                    result_.template emplace<1>(invoke_with_token(fn_, token));
                }
            } catch (...) {
                result_.template emplace<2>(std::current_exception());
            }
            // After this line the awaiter may be gone: touch nothing of `this`.
            loop->post([handle] { handle.resume(); });
        });
        return true;
    }

    result_type await_resume() {
        if (cancelled_) throw_cancelled();
        if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
        if constexpr (!std::is_void_v<result_type>) return std::move(std::get<1>(result_));
    }

  private:
    using stored_type =
        std::conditional_t<std::is_void_v<result_type>, std::monostate, result_type>;
    thread_pool& pool_;
    Fn fn_;
    std::variant<std::monostate, stored_type, std::exception_ptr> result_;
    bool cancelled_ = false;
};

}  // namespace detail

template <class Fn>
[[nodiscard("must co_await offload()")]] auto offload(thread_pool& pool, Fn fn) {
    return detail::offload_awaiter<Fn>(pool, std::move(fn));
}

template <class Fn>
[[nodiscard("must co_await offload()")]] auto offload(Fn fn) {
    return detail::offload_awaiter<Fn>(thread_pool::default_pool(), std::move(fn));
}

}  // namespace uio
