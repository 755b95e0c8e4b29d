// sleep_for and with_timeout on io_uring timeouts.
#include "uio/uring/timeout.hpp"

#include <unistd.h>
#include <chrono>
#include <thread>

#include "test_support.hpp"
#include "uio/uring/io_context.hpp"

using namespace std::chrono_literals;
using uio::task;
using clock_type = std::chrono::steady_clock;

TEST_CASE("to_kernel_timespec splits seconds and nanoseconds, and clamps the past to zero") {
    __kernel_timespec ts = uio::to_kernel_timespec(1'500'000'001ns);
    CHECK(ts.tv_sec == 1);
    CHECK(ts.tv_nsec == 500'000'001);
    ts = uio::to_kernel_timespec(-3s);
    CHECK(ts.tv_sec == 0);
    CHECK(ts.tv_nsec == 0);
    ts = uio::to_kernel_timespec(std::chrono::hours(24));
    CHECK(ts.tv_sec == 86'400);
}

TEST_CASE("sleep_for waits at least its duration") {
    auto start = clock_type::now();
    uio::run([]() -> task<void> { co_await uio::sleep_for(30ms); }());
    auto elapsed = clock_type::now() - start;
    CHECK(elapsed >= 30ms);
    CHECK(elapsed < 2s);
}

TEST_CASE("with_timeout returns the value of work that finishes in time") {
    int v = uio::run(uio::with_timeout(
        []() -> task<int> {
            co_await uio::sleep_for(1ms);
            co_return 9;
        }(),
        5s));
    CHECK(v == 9);
}

TEST_CASE("with_timeout stops late work, waits for it, and throws timed_out") {
    bool work_saw_cancel = false;
    auto slow = [&]() -> task<int> {
        try {
            co_await uio::sleep_for(30s);
        } catch (const std::system_error& e) {
            work_saw_cancel = e.code() == std::errc::operation_canceled;
            throw;
        }
        co_return 1;
    };
    auto start = clock_type::now();
    try {
        uio::run(uio::with_timeout(slow(), 20ms));
        FAIL("no timeout");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::timed_out);
    }
    auto elapsed = clock_type::now() - start;
    CHECK(elapsed >= 20ms);
    CHECK(elapsed < 5s);
    CHECK(work_saw_cancel);
}

TEST_CASE("a stop of the caller is a cancellation, not a timeout") {
    uio::io_context context;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(10ms);
        context.request_stop();
    });
    try {
        context.run(uio::with_timeout([]() -> task<void> { co_await uio::sleep_for(30s); }(), 20s));
        FAIL("not stopped");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::operation_canceled);
    }
}

TEST_CASE("with_deadline cuts a request short with -ETIME in one linked submission") {
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    uio::io_context context;
    auto start = clock_type::now();
    int rc = context.run([&]() -> task<int> {
        std::byte buffer[16];
        co_return co_await uio::read(pipefd[0], buffer, ~0ULL).with_deadline(20ms);
    }());
    auto elapsed = clock_type::now() - start;
    CHECK(rc == -ETIME);
    CHECK(elapsed >= 20ms);
    CHECK(elapsed < 5s);
    // A request that finishes in time is untouched by its deadline.
    CHECK(::write(pipefd[1], "ok", 2) == 2);
    rc = context.run([&]() -> task<int> {
        std::byte buffer[16];
        co_return co_await uio::read(pipefd[0], buffer, ~0ULL).with_deadline(5s);
    }());
    CHECK(rc == 2);
    CHECK(context.in_flight() <= 1);  // the timeout's own completion was reaped too
    ::close(pipefd[0]);
    ::close(pipefd[1]);
}
