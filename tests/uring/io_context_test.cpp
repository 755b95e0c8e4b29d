// io_context: running, queueing past the ring's size, cross-thread wake-ups and stops.
#include "uio/uring/io_context.hpp"

#include <chrono>
#include <thread>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/operations.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;

TEST_CASE("run returns the main task's value and reports how the ring was set up") {
    uio::io_context context;
    CHECK(context.run([]() -> task<int> {
        int rc = co_await uio::nop();
        co_return rc + 5;
    }()) == 5);
    CHECK_FALSE(context.setup_description().empty());
    INFO("setup: " << context.setup_description());
    CHECK(context.stats().completed == 1);
}

TEST_CASE("a context can run several tasks one after another") {
    uio::io_context context;
    for (int i = 0; i < 3; ++i) {
        CHECK(context.run([](int v) -> task<int> {
            co_await uio::sleep_for(1ms);
            co_return v;
        }(i)) == i);
    }
}

TEST_CASE("a ring of 8 entries carries 1,000 operations in flight") {
    uio::io_context context({.entries = 8});
    CHECK(context.max_in_flight() == 16);  // the completion queue's size
    auto main = []() -> task<void> {
        std::vector<task<void>> sleepers;
        for (int i = 0; i < 1000; ++i) {
            sleepers.push_back([]() -> task<void> { co_await uio::sleep_for(2ms); }());
        }
        co_await uio::when_all(std::move(sleepers));
    };
    context.run(main());
    CHECK(context.stats().completed == 1000);
    CHECK(context.stats().waited_for_room > 0);
    CHECK(context.in_flight() <= 1);  // only the wake-up read remains
}

TEST_CASE("work posted from another thread runs on the loop thread") {
    uio::io_context context;
    auto main = [&]() -> task<void> {
        auto loop_thread = std::this_thread::get_id();
        std::thread::id ran_on;
        bool ran = false;
        std::jthread other([&] {
            context.post([&] {
                ran_on = std::this_thread::get_id();
                ran = true;
            });
        });
        for (int i = 0; i < 1000 && !ran; ++i) co_await uio::sleep_for(1ms);
        CHECK(ran);
        CHECK(ran_on == loop_thread);
    };
    context.run(main());
}

TEST_CASE("request_stop from another thread cancels the main task's pending sleep") {
    uio::io_context context;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(20ms);
        context.request_stop();
    });
    auto start = std::chrono::steady_clock::now();
    try {
        context.run([]() -> task<void> { co_await uio::sleep_for(30s); }());
        FAIL("the sleep was not cancelled");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::operation_canceled);
    }
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("io_context::current names the running context and fails outside run") {
    CHECK_THROWS_AS(uio::io_context::current(), std::logic_error);
    uio::io_context context;
    context.run([&]() -> task<void> {
        CHECK(&uio::io_context::current() == &context);
        co_return;
    }());
}
