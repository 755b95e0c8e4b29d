// How a stop request reaches whatever a task is waiting on.
//
// Every running chain of tasks (the root passed to run(), each child of when_all or a
// task_group, each side of with_timeout) has one stop_scope. Tasks awaited inside the chain
// share their parent's scope, so at most one leaf wait (an io_uring operation, a channel
// receive, a sleep) is pending in a scope at a time. When the scope's stop_token is
// triggered, the pending leaf is asked to cancel(); later waits in the scope fail at once
// with operation_canceled.
//
// Threads: a scope belongs to the loop thread that created it. A stop requested on another
// thread is relayed to that loop through scheduler::post, and is dropped if the scope has
// ended by the time the relay runs.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>

#include "uio/core/scheduler.hpp"

namespace uio {

// A suspended wait that knows how to abandon itself. cancel() is called on the loop thread;
// it must not resume the waiter inline (schedule it, or let the kernel complete it).
class cancellable_wait {
  public:
    virtual void cancel() noexcept = 0;

  protected:
    ~cancellable_wait() = default;
};

class stop_scope {
  public:
    explicit stop_scope(std::stop_token token);
    ~stop_scope();
    stop_scope(const stop_scope&) = delete;
    stop_scope& operator=(const stop_scope&) = delete;

    const std::stop_token& token() const noexcept { return token_; }
    bool stop_requested() const noexcept { return token_.stop_requested(); }

    // A leaf wait registers itself while suspended, and unregisters before it resumes.
    void set_pending(cancellable_wait* wait) noexcept { pending_ = wait; }
    void clear_pending() noexcept { pending_ = nullptr; }

  private:
    struct remote_relay;
    struct on_stop {
        stop_scope* scope;
        void operator()() const noexcept { scope->stop_requested_callback(); }
    };

    void stop_requested_callback() noexcept;
    void cancel_pending() noexcept;

    std::stop_token token_;
    scheduler* owner_;
    cancellable_wait* pending_ = nullptr;
    std::mutex relay_mutex_;
    std::shared_ptr<remote_relay> relay_;  // set only when a stop came from another thread
    std::optional<std::stop_callback<on_stop>> callback_;
};

// A stop_source that also stops when any of up to two parent tokens stops. Used where a
// scope must stop both on its parent's request and on a local event (a sibling failed, a
// deadline passed).
class linked_stop_source {
  public:
    explicit linked_stop_source(std::stop_token parent = {}, std::stop_token other = {});
    linked_stop_source(const linked_stop_source&) = delete;
    linked_stop_source& operator=(const linked_stop_source&) = delete;

    std::stop_token get_token() const noexcept { return source_.get_token(); }
    bool request_stop() noexcept { return source_.request_stop(); }
    bool stop_requested() const noexcept { return source_.stop_requested(); }

  private:
    struct forward {
        std::stop_source* source;
        void operator()() const noexcept { source->request_stop(); }
    };
    std::stop_source source_;
    std::optional<std::stop_callback<forward>> parent_callback_;
    std::optional<std::stop_callback<forward>> other_callback_;
};

}  // namespace uio
