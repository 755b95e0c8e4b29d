// A coroutine parked until someone wakes it (a channel or semaphore waiter, a pg::pool
// acquire), registered with its stop scope while parked so that a stop request reaches it.
// The derived class's cancel() leaves whatever queue it is in and calls resume_cancelled().
#pragma once

#include <coroutine>

#include "uio/core/errors.hpp"
#include "uio/core/scheduler.hpp"
#include "uio/core/stop_scope.hpp"
#include "uio/core/task.hpp"

namespace uio::detail {

class parked_wait : public cancellable_wait {
  public:
    // Parks `handle` unless its scope is already stopped; false means "do not suspend" (and
    // cancelled() is then true). May be called again after each wake.
    template <class Promise>
    bool park(std::coroutine_handle<Promise> handle) noexcept {
        scope_ = scope_of(handle);
        if (scope_ && scope_->stop_requested()) {
            cancelled_ = true;
            return false;
        }
        handle_ = handle;
        parked_ = true;
        if (scope_) scope_->set_pending(this);
        return true;
    }

    // Resumes the parked coroutine on a later turn; a no-op when it is not parked (running
    // now, or already woken), so a waker need not know which.
    void wake() noexcept {
        if (!parked_) return;
        parked_ = false;
        if (scope_) scope_->clear_pending();
        scheduler::current()->schedule(handle_);
    }

    bool parked() const noexcept { return parked_; }
    bool cancelled() const noexcept { return cancelled_; }

  protected:
    ~parked_wait() = default;

    // For cancel(): the scope has already dropped this wait; resume it as cancelled.
    void resume_cancelled() noexcept {
        parked_ = false;
        cancelled_ = true;
        scheduler::current()->schedule(handle_);
    }

    void throw_if_cancelled() const {
        if (cancelled_) throw_cancelled();
    }

  private:
    std::coroutine_handle<> handle_;
    stop_scope* scope_ = nullptr;
    bool parked_ = false;
    bool cancelled_ = false;
};

}  // namespace uio::detail
