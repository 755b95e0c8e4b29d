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
#include "uio/core/detail/permit.hpp"

namespace uio {

class semaphore {
  public:
    explicit semaphore(std::size_t permits) noexcept : available_(permits) {}
    semaphore(const semaphore&) = delete;
    semaphore& operator=(const semaphore&) = delete;

    // Returns a permit: hands it to the longest waiter, or makes it available.
    void release() noexcept {
        if (acquire_awaiter* waiter = waiters_.pop_front()) {
            waiter->wake();
        } else {
            ++available_;
        }
    }

    // Releases itself (release()) when reset or destroyed; release_ownership() keeps it taken.
    using permit = detail::permit<semaphore, &semaphore::release>;

    [[nodiscard("must co_await acquire()")]] auto acquire() noexcept {
        return acquire_awaiter{this};
    }

    // A permit if one is free now, else an empty permit.
    permit try_acquire() noexcept {
        if (available_ == 0) return permit();
        --available_;
        return permit(this);
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
