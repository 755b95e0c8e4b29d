// stop_scope: a stop request reaches the one pending leaf wait of its scope (inline on the
// loop thread, relayed from other threads, dropped once the scope has ended), tasks share
// their awaiter's scope, later waits fail at once, and linked_stop_source joins parents.
// Runs with thread_tests: the relay crosses threads, so TSan looks at it too.
#include "uio/core/stop_scope.hpp"

#include <chrono>
#include <latch>
#include <optional>
#include <thread>

#include "test_support.hpp"
#include "uio/core/channel.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::stop_scope;
using uio::task;

namespace {

// A pending wait that only records how it was cancelled (it has no coroutine behind it).
struct recorded_wait final : uio::cancellable_wait {
    int cancels = 0;
    std::thread::id thread;
    uio::scheduler* loop = nullptr;
    void cancel() noexcept override {
        ++cancels;
        thread = std::this_thread::get_id();
        loop = uio::scheduler::current();
    }
};

// A leaf wait that only a stop ends, as channel and io_operation implement it: registers
// with its task's scope while suspended, and is woken on a later turn by cancel(). Reports
// through pointers: g++ 12 may copy an awaitable into the coroutine frame.
class wait_for_stop final : public uio::cancellable_wait {
  public:
    explicit wait_for_stop(std::thread::id* cancelled_on = nullptr, std::latch* pending = nullptr)
        : cancelled_on_(cancelled_on), pending_(pending) {}
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
        scope_ = uio::detail::scope_of(handle);
        if (scope_ == nullptr || scope_->stop_requested()) return false;
        handle_ = handle;
        scope_->set_pending(this);
        if (pending_) pending_->count_down();
        return true;
    }
    void await_resume() {
        if (scope_) scope_->clear_pending();
        uio::throw_cancelled();
    }
    void cancel() noexcept override {
        if (cancelled_on_) *cancelled_on_ = std::this_thread::get_id();
        uio::scheduler::current()->schedule(handle_);
    }

  private:
    std::thread::id* cancelled_on_;
    std::latch* pending_;
    stop_scope* scope_ = nullptr;
    std::coroutine_handle<> handle_;
};

// Suspends until work posted now has run on the loop; posted work runs in order, so
// everything posted before it (a relayed stop) has run too.
struct after_posted_work {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle) {
        uio::scheduler* loop = uio::scheduler::current();
        loop->post([loop, handle] { loop->schedule(handle); });
    }
    void await_resume() const noexcept {}
};

bool cancelled(const std::system_error& e) {
    return e.code() == std::errc::operation_canceled;
}

}  // namespace

TEST_CASE("a stop on the loop thread cancels the pending wait before request_stop returns") {
    uio::io_context context;
    context.run([&]() -> task<void> {
        std::stop_source source;
        stop_scope scope(source.get_token());
        CHECK_FALSE(scope.stop_requested());
        recorded_wait wait;
        scope.set_pending(&wait);
        CHECK(source.request_stop());
        CHECK(scope.stop_requested());
        CHECK(wait.cancels == 1);
        CHECK(wait.loop == &context);
        CHECK(wait.thread == std::this_thread::get_id());
        // The request fires once: the wait is no longer pending, nothing is cancelled twice.
        CHECK_FALSE(source.request_stop());
        CHECK(wait.cancels == 1);
        co_return;
    }());
}

TEST_CASE("only the wait pending at the stop is cancelled, not one that unregistered") {
    uio::io_context context;
    context.run([&]() -> task<void> {
        std::stop_source source;
        stop_scope scope(source.get_token());
        recorded_wait finished, replaced, current;
        scope.set_pending(&finished);
        scope.clear_pending();  // it completed: cancelling it now would touch a dead frame
        scope.set_pending(&replaced);
        scope.set_pending(&current);  // one leaf wait per scope: the latest one counts
        source.request_stop();
        CHECK(finished.cancels == 0);
        CHECK(replaced.cancels == 0);
        CHECK(current.cancels == 1);
        co_return;
    }());
}

TEST_CASE("a scope made outside any loop cancels on the thread that stops it") {
    std::stop_source source;
    stop_scope scope(source.get_token());
    recorded_wait wait;
    scope.set_pending(&wait);
    std::thread::id stopper;
    std::thread([&] {
        stopper = std::this_thread::get_id();
        source.request_stop();
    }).join();
    CHECK(wait.cancels == 1);
    CHECK(wait.thread == stopper);
    CHECK(wait.loop == nullptr);
}

TEST_CASE("a scope that cannot stop, or was stopped before it began, cancels nothing") {
    recorded_wait wait;
    {
        stop_scope scope{std::stop_token{}};
        scope.set_pending(&wait);
        CHECK_FALSE(scope.stop_requested());
        CHECK_FALSE(scope.token().stop_possible());
    }
    std::stop_source source;
    source.request_stop();
    stop_scope scope(source.get_token());  // the callback runs at once, with nothing pending
    CHECK(scope.stop_requested());
    CHECK(wait.cancels == 0);
}

TEST_CASE("a stop from another thread is relayed to the loop thread that owns the scope") {
    uio::io_context context;
    std::latch pending(1);
    std::thread::id stopper_thread;
    std::jthread stopper([&] {
        stopper_thread = std::this_thread::get_id();
        pending.wait();  // the main task's wait is registered with the root scope
        context.request_stop();
    });
    std::thread::id cancelled_on;
    bool was_cancelled = false;
    context.run([&]() -> task<void> {
        try {
            co_await wait_for_stop(&cancelled_on, &pending);
        } catch (const std::system_error& e) {
            was_cancelled = cancelled(e);
        }
    }());
    stopper.join();
    CHECK(was_cancelled);
    CHECK(cancelled_on == std::this_thread::get_id());
    CHECK(cancelled_on != stopper_thread);
}

TEST_CASE("a relayed stop that arrives after its scope ended is dropped") {
    uio::io_context context;
    recorded_wait wait;
    context.run([&]() -> task<void> {
        std::stop_source source;
        std::optional<stop_scope> scope;
        scope.emplace(source.get_token());
        scope->set_pending(&wait);
        std::thread([&] { source.request_stop(); }).join();  // posted to the loop, not run yet
        CHECK(wait.cancels == 0);
        scope.reset();
        co_await after_posted_work{};  // the relay has run by now
        CHECK(wait.cancels == 0);
    }());
}

TEST_CASE("tasks share their awaiter's scope, and a stop reaches the wait at a chain's bottom") {
    uio::io_context context;
    context.run([&]() -> task<void> {
        std::stop_token root = co_await uio::current_stop_token();
        auto nested = []() -> task<std::stop_token> {
            co_return co_await uio::current_stop_token();
        };
        std::stop_token inherited = co_await nested();
        CHECK(inherited == root);

        std::stop_source source;
        stop_scope scope(source.get_token());
        std::stop_token seen;
        bool was_cancelled = false;
        auto bottom = [&]() -> task<void> {
            seen = co_await uio::current_stop_token();
            co_await wait_for_stop{};
        };
        auto middle = [&]() -> task<void> { co_await bottom(); };
        auto waiter = [&]() -> task<void> {
            try {
                co_await middle().in_scope(scope);
            } catch (const std::system_error& e) {
                was_cancelled = cancelled(e);
            }
        };
        auto stopper = [&]() -> task<void> {
            co_await after_posted_work{};
            source.request_stop();
        };
        co_await uio::when_all(waiter(), stopper());
        CHECK(seen == scope.token());
        CHECK(was_cancelled);
        std::stop_token after = co_await uio::current_stop_token();
        CHECK_FALSE(after.stop_requested());  // the explicit scope's stop stayed inside it
    }());
}

TEST_CASE("after a stop, later waits in the scope fail at once with operation_canceled") {
    uio::io_context context;
    int failed_at_once = 0;
    auto start = std::chrono::steady_clock::now();
    context.run([&]() -> task<void> {
        context.request_stop();  // from the loop thread: nothing was pending
        try {
            co_await uio::sleep_for(1h);
        } catch (const std::system_error& e) {
            failed_at_once += cancelled(e);
        }
        uio::channel<int> empty(1);
        try {
            co_await empty.receive();
        } catch (const std::system_error& e) {
            failed_at_once += cancelled(e);
        }
    }());
    CHECK(failed_at_once == 2);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("linked_stop_source stops with either parent, and its own stop stays below") {
    std::stop_source parent, other;
    uio::linked_stop_source child(parent.get_token(), other.get_token());
    stop_scope parent_scope(parent.get_token()), child_scope(child.get_token());
    recorded_wait parent_wait, child_wait;
    parent_scope.set_pending(&parent_wait);
    child_scope.set_pending(&child_wait);

    CHECK(child.request_stop());
    CHECK(child_wait.cancels == 1);
    CHECK_FALSE(parent.stop_requested());
    CHECK(parent_wait.cancels == 0);

    uio::linked_stop_source by_parent(parent.get_token()),
        by_other(parent.get_token(), other.get_token());
    stop_scope by_parent_scope(by_parent.get_token());
    recorded_wait by_parent_wait;
    by_parent_scope.set_pending(&by_parent_wait);
    other.request_stop();
    CHECK(by_other.stop_requested());
    CHECK_FALSE(by_parent.stop_requested());
    parent.request_stop();
    CHECK(by_parent.stop_requested());
    CHECK(by_parent_wait.cancels == 1);
    CHECK(parent_wait.cancels == 1);

    uio::linked_stop_source alone;  // no parents: stops only when asked
    CHECK_FALSE(alone.stop_requested());
    CHECK(alone.get_token().stop_possible());
    CHECK(alone.request_stop());
    CHECK(alone.get_token().stop_requested());
}
