// request<R>: the awaitable behind every database call. Queues `fn(worker&)` on the worker
// and suspends; the worker runs it, stores R or the exception, and posts the resumption to
// the caller's scheduler, so the caller always continues on its own loop thread.
//
// Installed, since the public query templates (executor.hpp) return it; the worker itself
// (worker.hpp) is not: a request reaches it through submit() and connection_of() only.
//
// Stop requests: a task already stopped fails at once; a request whose task is stopped while
// it waits in the queue is skipped when its turn comes (operation_canceled). A request that
// has started runs to completion.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <stdexcept>
#include <stop_token>
#include <type_traits>
#include <variant>

#include "uio/core/errors.hpp"
#include "uio/core/scheduler.hpp"
#include "uio/core/task.hpp"

namespace uio::sqlite {
class blocking_connection;
}

namespace uio::sqlite::detail {

class worker;

// Queues `run` on the worker (any thread); `owner` is the hold it belongs to, 0 for none.
// `run` must not throw.
void submit(worker& w, std::function<void(worker&)> run, std::uint64_t owner);
// The worker's connection (worker thread only); throws sqlite::error once it is closed.
blocking_connection& connection_of(worker& w);

[[noreturn]] inline void throw_no_scheduler() {
    throw std::logic_error(
        "uio::sqlite: await database calls from a task running on an io_context");
}

template <class R>
class [[nodiscard("must co_await a database request")]] request {
  public:
    using work = std::function<R(worker&)>;

    request(worker * w, std::uint64_t owner, work fn)
        : worker_(w), owner_(owner), fn_(std::move(fn)) {}

    bool await_ready() const noexcept {
        return false;
    }

    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) {
        stop_scope* scope = uio::detail::scope_of(handle);
        if (scope && scope->stop_requested()) {
            result_.template emplace<2>(std::make_exception_ptr(std::system_error(
                std::make_error_code(std::errc::operation_canceled), "operation cancelled")));
            return false;
        }
        scheduler* loop = scheduler::current();
        if (!loop) throw_no_scheduler();
        std::stop_token token = scope ? scope->token() : std::stop_token{};
        submit(
            *worker_,
            [this, handle, loop, token = std::move(token)](worker& w) {
                run(w, token);
                // After this line the awaiter may be gone: touch nothing of `this`.
                loop->post([handle] { handle.resume(); });
            },
            owner_);
        return true;
    }

    R await_resume() {
        if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
        if constexpr (!std::is_void_v<R>) return std::move(std::get<1>(result_));
    }

  private:
    void run(worker & w, const std::stop_token& token) noexcept {
        try {
            if (token.stop_requested()) throw_cancelled();
            if constexpr (std::is_void_v<R>) {
                fn_(w);
                result_.template emplace<1>();
            } else {
                result_.template emplace<1>(fn_(w));
            }
        } catch (...) {
            result_.template emplace<2>(std::current_exception());
        }
    }

    using stored = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
    worker* worker_;
    std::uint64_t owner_;
    work fn_;
    std::variant<std::monostate, stored, std::exception_ptr> result_;
};

}  // namespace uio::sqlite::detail
