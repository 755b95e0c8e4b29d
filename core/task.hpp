// task<T>: a lazy, move-only coroutine returning T (asyncio's coroutine object).
//
// Nothing runs until the task is co_awaited (or passed to run/when_all/spawn). Completion
// resumes the awaiter by symmetric transfer, so chains of any depth use constant stack.
// An exception escaping the body is rethrown in the awaiter. The awaited task inherits its
// awaiter's stop_scope, which is how a stop request finds the operation at the bottom of
// a chain.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <utility>
#include <variant>

#include "uio/core/stop_scope.hpp"

namespace uio {

template <class T = void>
class task;

namespace detail {

// What every uio promise carries: who to resume when done, and the chain's stop scope.
class promise_base {
  public:
    stop_scope* scope() const noexcept { return scope_; }
    void set_scope(stop_scope* scope) noexcept { scope_ = scope; }
    void set_continuation(std::coroutine_handle<> c) noexcept { continuation_ = c; }
    std::coroutine_handle<> continuation() const noexcept { return continuation_; }

    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
            std::coroutine_handle<> next = self.promise().continuation();
            return next ? next : std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };

  private:
    std::coroutine_handle<> continuation_;
    stop_scope* scope_ = nullptr;
};

// The stop scope of the coroutine behind `handle`, or nullptr for foreign coroutine types.
template <class Promise>
stop_scope* scope_of(std::coroutine_handle<Promise> handle) noexcept {
    if constexpr (std::is_base_of_v<promise_base, Promise>) {
        return handle.promise().scope();
    } else {
        return nullptr;
    }
}

template <class T>
class task_promise : public promise_base {
  public:
    task<T> get_return_object() noexcept;
    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    template <class U>
    void return_value(U&& value) {
        result_.template emplace<1>(std::forward<U>(value));
    }
    void unhandled_exception() noexcept { result_.template emplace<2>(std::current_exception()); }

    T take_result() {
        if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
        assert(result_.index() == 1);
        return std::move(std::get<1>(result_));
    }

  private:
    std::variant<std::monostate, T, std::exception_ptr> result_;
};

template <>
class task_promise<void> : public promise_base {
  public:
    task<void> get_return_object() noexcept;
    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() noexcept { error_ = std::current_exception(); }
    void take_result() {
        if (error_) std::rethrow_exception(error_);
    }

  private:
    std::exception_ptr error_;
};

}  // namespace detail

template <class T>
class [[nodiscard("a task does nothing until it is co_awaited")]] task {
  public:
    using promise_type = detail::task_promise<T>;
    using value_type = T;

    task() noexcept = default;
    explicit task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    task(task && other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    ~task() {
        if (handle_) handle_.destroy();
    }

    bool valid() const noexcept {
        return static_cast<bool>(handle_);
    }

    // Awaiting runs the task under the awaiter's stop scope (or `scope` when given).
    class awaiter {
      public:
        awaiter(std::coroutine_handle<promise_type> handle, stop_scope* scope, bool own_scope)
            : handle_(handle), scope_(scope), own_scope_(own_scope) {}
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> parent) noexcept {
            promise_type& promise = handle_.promise();
            promise.set_continuation(parent);
            promise.set_scope(own_scope_ ? scope_ : detail::scope_of(parent));
            return handle_;
        }
        T await_resume() { return handle_.promise().take_result(); }

      private:
        std::coroutine_handle<promise_type> handle_;
        stop_scope* scope_;
        bool own_scope_;
    };

    awaiter operator co_await()&& noexcept {
        assert(handle_ && "co_await on an empty or moved-from task");
        return awaiter(handle_, nullptr, false);
    }

    // For the library's combinators: await this task inside an explicit stop scope.
    awaiter in_scope(stop_scope & scope)&& noexcept {
        return awaiter(handle_, &scope, true);
    }

    std::coroutine_handle<promise_type> handle() const noexcept {
        return handle_;
    }

  private:
    std::coroutine_handle<promise_type> handle_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}

// Awaitable that hands back the awaiting coroutine's stop scope without suspending.
struct current_scope_awaiter {
    stop_scope* scope = nullptr;
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> self) noexcept {
        scope = scope_of(self);
        return false;
    }
    stop_scope* await_resume() const noexcept { return scope; }
};
}  // namespace detail

// co_await uio::current_stop_token(): the stop token of the running task chain (empty when
// the task cannot be stopped). Like asyncio's current_task().cancelling().
inline auto current_stop_token() noexcept {
    struct awaiter : detail::current_scope_awaiter {
        std::stop_token await_resume() const noexcept {
            return scope ? scope->token() : std::stop_token{};
        }
    };
    return awaiter{};
}

// The type a task<T> contributes to a tuple of results: void becomes std::monostate.
template <class T>
using result_of_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

}  // namespace uio
