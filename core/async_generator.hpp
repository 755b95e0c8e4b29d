// async_generator<T>: an async generator (`async def ... yield`). The body may co_await
// and co_yield; the consumer pulls values with next(), Python's `async for`:
//
//   uio::async_generator<std::string> lines(uio::file& f);
//   auto gen = lines(f);
//   while (auto line = co_await gen.next()) use(*line);
//
// The body runs only inside next(), on the consumer's loop and under its stop scope.
// Destroying the generator early (breaking out of the loop) destroys the suspended body.
#pragma once

#include <optional>
#include <utility>

#include "uio/core/task.hpp"

namespace uio {

template <class T>
class [[nodiscard("a generator does nothing until next() is awaited")]] async_generator {
  public:
    class promise_type : public detail::promise_base {
      public:
        async_generator get_return_object() noexcept {
            return async_generator(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        final_awaiter final_suspend() const noexcept { return {}; }
        final_awaiter yield_value(T value) noexcept(std::is_nothrow_move_constructible_v<T>) {
            value_.emplace(std::move(value));
            return {};
        }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { error_ = std::current_exception(); }

        std::optional<T> take() {
            if (error_) std::rethrow_exception(std::exchange(error_, {}));
            return std::exchange(value_, std::nullopt);
        }

      private:
        std::optional<T> value_;
        std::exception_ptr error_;
    };

    async_generator() noexcept = default;
    async_generator(async_generator && other) noexcept
        : handle_(std::exchange(other.handle_, {})) {}
    async_generator& operator=(async_generator&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    ~async_generator() {
        if (handle_) handle_.destroy();
    }

    class next_awaiter {
      public:
        explicit next_awaiter(std::coroutine_handle<promise_type> handle) noexcept
            : handle_(handle) {}
        bool await_ready() const noexcept { return !handle_ || handle_.done(); }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> consumer) noexcept {
            handle_.promise().set_continuation(consumer);
            handle_.promise().set_scope(detail::scope_of(consumer));
            return handle_;
        }
        std::optional<T> await_resume() {
            if (!handle_) return std::nullopt;
            return handle_.promise().take();
        }

      private:
        std::coroutine_handle<promise_type> handle_;
    };

    // The next value, or std::nullopt once the body has returned. Rethrows its exceptions.
    [[nodiscard("must co_await next()")]] next_awaiter next() noexcept {
        return next_awaiter(handle_);
    }

  private:
    explicit async_generator(std::coroutine_handle<promise_type> handle) noexcept
        : handle_(handle) {}
    std::coroutine_handle<promise_type> handle_;
};

}  // namespace uio
