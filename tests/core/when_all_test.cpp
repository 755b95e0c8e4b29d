// when_all: results in order, first error rethrown, siblings stopped and awaited.
#include "uio/core/when_all.hpp"

#include <chrono>
#include <stdexcept>

#include "test_support.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;

namespace {
task<int> after(std::chrono::milliseconds delay, int value) {
    co_await uio::sleep_for(delay);
    co_return value;
}
task<void> nothing() {
    co_return;
}
}  // namespace

TEST_CASE("when_all returns results in argument order, not completion order") {
    auto main = []() -> task<void> {
        auto [a, b, c] = co_await uio::when_all(after(30ms, 1), after(1ms, 2), nothing());
        CHECK(a == 1);
        CHECK(b == 2);
        CHECK(c == std::monostate{});
    };
    uio::run(main());
}

TEST_CASE("when_all over a vector runs the tasks concurrently") {
    auto main = []() -> task<void> {
        std::vector<task<int>> tasks;
        for (int i = 0; i < 1000; ++i) tasks.push_back(after(20ms, i));
        auto start = std::chrono::steady_clock::now();
        std::vector<int> results = co_await uio::when_all(std::move(tasks));
        auto elapsed = std::chrono::steady_clock::now() - start;
        REQUIRE(results.size() == 1000);
        for (int i = 0; i < 1000; ++i) CHECK(results[static_cast<std::size_t>(i)] == i);
        CHECK(elapsed < 2s);  // sequentially it would take 20 s
    };
    uio::run(main());
}

TEST_CASE("when_all stops the siblings of a failed task and rethrows the first error") {
    bool sibling_cancelled = false;
    bool sibling_finished = false;
    auto failing = []() -> task<int> {
        co_await uio::sleep_for(5ms);
        throw std::runtime_error("first failure");
    };
    auto slow = [&]() -> task<int> {
        try {
            co_await uio::sleep_for(30s);
        } catch (const std::system_error& e) {
            sibling_cancelled = e.code() == std::errc::operation_canceled;
            throw;
        }
        sibling_finished = true;
        co_return 0;
    };
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(uio::run(uio::when_all(failing(), slow())), "first failure");
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    CHECK(sibling_cancelled);
    CHECK_FALSE(sibling_finished);
}

TEST_CASE("a when_all nested in a when_all is stopped by the outer failure") {
    int cancelled = 0;
    auto sleeper = [&]() -> task<void> {
        try {
            co_await uio::sleep_for(30s);
        } catch (...) {
            ++cancelled;
            throw;
        }
    };
    auto failing = []() -> task<void> {
        co_await uio::sleep_for(2ms);
        throw std::logic_error("outer");
    };
    auto inner = [&]() -> task<void> { co_await uio::when_all(sleeper(), sleeper()); };
    CHECK_THROWS_AS(uio::run(uio::when_all(inner(), failing())), std::logic_error);
    CHECK(cancelled == 2);
}

TEST_CASE("when_all of nothing returns at once") {
    auto main = []() -> task<std::size_t> {
        auto results = co_await uio::when_all(std::vector<task<int>>{});
        co_return results.size();
    };
    CHECK(uio::run(main()) == 0);
}
