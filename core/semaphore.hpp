// semaphore: at most N holders at once (asyncio.Semaphore). acquire() suspends while no
// permit is free and returns a permit that releases itself. Waiters are served in FIFO
// order. Loop thread only.
//
//   uio::semaphore in_flight(64);
//   auto permit = co_await in_flight.acquire();
#pragma once

#include <cstddef>
#include <utility>

#include "uio/core/detail/list_waiter.hpp"

namespace uio {

class semaphore {
  public:
    explicit semaphore(std::size_t permits) noexcept : available_(permits) {}
    semaphore(const semaphore&) = delete;
    semaphore& operator=(const semaphore&) = delete;

    class [[nodiscard]] permit {
      public:
        permit() noexcept = default;
        explicit permit(semaphore* owner) noexcept : owner_(owner) {}
        permit(permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
        permit& operator=(permit&& other) noexcept {
            if (this != &other) {
                reset();
                owner_ = std::exchange(other.owner_, nullptr);
            }
            return *this;
        }
        ~permit() { reset(); }
        void reset() noexcept {
            if (owner_) std::exchange(owner_, nullptr)->release();
        }
        explicit operator bool() const noexcept { return owner_ != nullptr; }
        // Keeps the permit taken without releasing it: the holder will call release().
        void release_ownership() noexcept { owner_ = nullptr; }

      private:
        semaphore* owner_ = nullptr;
    };

    [[nodiscard("must co_await acquire()")]] auto acquire() noexcept {
        return acquire_awaiter{this};
    }

    // A permit if one is free now, else an empty permit.
    permit try_acquire() noexcept {
        if (available_ == 0) return permit();
        --available_;
        return permit(this);
    }

    // Returns a permit: hands it to the longest waiter, or makes it available.
    void release() noexcept {
        if (acquire_awaiter* waiter = waiters_.pop_front()) {
            waiter->wake();
        } else {
            ++available_;
        }
    }

    std::size_t available() const noexcept { return available_; }

  private:
    struct acquire_awaiter : detail::list_waiter<acquire_awaiter> {
        explicit acquire_awaiter(semaphore* s) noexcept : owner(s) {}
        semaphore* owner;
        bool await_ready() noexcept {
            if (owner->available_ == 0) return false;
            --owner->available_;
            return true;
        }
        template <class Promise>
        bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
            return this->suspend_in(owner->waiters_, handle);
        }
        permit await_resume() {
            throw_if_cancelled();
            return permit(owner);
        }
    };

    std::size_t available_;
    detail::waiter_list<acquire_awaiter> waiters_;
};

}  // namespace uio
