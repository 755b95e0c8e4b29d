// A coroutine parked in a waiter_list (channel, semaphore): a stop request removes it from
// the list and resumes it with operation_canceled.
#pragma once

#include <coroutine>

#include "uio/core/detail/parked_wait.hpp"
#include "uio/core/detail/waiter_list.hpp"

namespace uio::detail {

template <class Derived>
class list_waiter : public parked_wait, public waiter_list<Derived>::hook {
  public:
    // Parks in `list` unless the scope is already stopped; false means "do not suspend".
    template <class Promise>
    bool suspend_in(waiter_list<Derived>& list, std::coroutine_handle<Promise> handle) noexcept {
        if (!park(handle)) return false;
        list_ = &list;
        list.push_back(static_cast<Derived*>(this));
        return true;
    }

    // wake(), from parked_wait: the waker has satisfied this waiter (it is already off the
    // list): resume it soon.

    void cancel() noexcept override {
        list_->remove(static_cast<Derived*>(this));
        resume_cancelled();
    }

  private:
    waiter_list<Derived>* list_ = nullptr;
};

}  // namespace uio::detail
