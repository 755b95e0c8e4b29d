// The loop a coroutine belongs to, as seen by core/: something that can resume a coroutine
// soon on its own thread, and accept work from other threads. io_context implements it;
// core/ knows nothing of io_uring.
#pragma once

#include <coroutine>
#include <functional>

namespace uio {

class scheduler {
  public:
    // Loop thread only: resume `handle` on a later turn of the loop (FIFO). Used to wake
    // waiters without growing the waker's stack.
    virtual void schedule(std::coroutine_handle<> handle) = 0;

    // Any thread: run `work` on the loop thread soon. Wakes the loop if it sleeps.
    virtual void post(std::function<void()> work) = 0;

    // The scheduler whose loop runs on this thread, or nullptr.
    static scheduler* current() noexcept;

  protected:
    scheduler() = default;
    ~scheduler() = default;
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    // Marks this thread as running `s`; returns the previous one (loops may nest in tests).
    static scheduler* make_current(scheduler* s) noexcept;
};

}  // namespace uio
