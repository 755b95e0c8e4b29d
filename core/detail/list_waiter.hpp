// A coroutine suspended in a waiter_list (channel, semaphore). It registers with its stop
// scope so a stop request removes it from the list and resumes it with operation_canceled.
#pragma once

#include <coroutine>

#include "uio/core/detail/waiter_list.hpp"
#include "uio/core/errors.hpp"
#include "uio/core/scheduler.hpp"
#include "uio/core/stop_scope.hpp"
#include "uio/core/task.hpp"

namespace uio::detail {

template <class Derived>
class list_waiter : public cancellable_wait, public waiter_list<Derived>::hook {
  public:
    // Suspends in `list` unless the scope is already stopped; false means "do not suspend".
    template <class Promise>
    bool suspend_in(waiter_list<Derived>& list, std::coroutine_handle<Promise> handle) noexcept {
        scope_ = scope_of(handle);
        if (scope_ && scope_->stop_requested()) {
            cancelled_ = true;
            return false;
        }
        list_ = &list;
        handle_ = handle;
        list.push_back(static_cast<Derived*>(this));
        if (scope_) scope_->set_pending(this);
        return true;
    }

    // The waker has satisfied this waiter (it is already off the list): resume it soon.
    void wake() noexcept {
        if (scope_) scope_->clear_pending();
        scheduler::current()->schedule(handle_);
    }

    void cancel() noexcept override {
        list_->remove(static_cast<Derived*>(this));
        cancelled_ = true;
        scheduler::current()->schedule(handle_);
    }

  protected:
    void throw_if_cancelled() const {
        if (cancelled_) throw_cancelled();
    }

  private:
    waiter_list<Derived>* list_ = nullptr;
    std::coroutine_handle<> handle_;
    stop_scope* scope_ = nullptr;
    bool cancelled_ = false;
};

}  // namespace uio::detail
