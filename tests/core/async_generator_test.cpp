// async_generator: values arrive in order across awaits; errors propagate; early exit cleans up.
#include "uio/core/async_generator.hpp"

#include <chrono>
#include <stdexcept>

#include "counted.hpp"
#include "test_support.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::async_generator;
using uio::task;
using uio::testing::counted;

namespace {
async_generator<int> count_to(int n) {
    for (int i = 1; i <= n; ++i) {
        if (i % 3 == 0) co_await uio::sleep_for(1ms);
        co_yield i;
    }
}
async_generator<int> fails_after(int n) {
    for (int i = 0; i < n; ++i) co_yield i;
    throw std::runtime_error("generator failed");
}
async_generator<int> holds_counted() {
    counted guard;
    for (int i = 0;; ++i) co_yield i;
}
}  // namespace

TEST_CASE("an async generator yields its values in order, awaiting between them") {
    auto main = []() -> task<int> {
        int sum = 0, expected = 1;
        auto gen = count_to(10);
        while (auto v = co_await gen.next()) {
            CHECK(*v == expected++);
            sum += *v;
        }
        auto result_1 = co_await gen.next();
        CHECK_FALSE(result_1);  // stays finished
        co_return sum;
    };
    CHECK(uio::run(main()) == 55);
}

TEST_CASE("an exception in the generator reaches the consumer after the values before it") {
    auto main = []() -> task<int> {
        int seen = 0;
        auto gen = fails_after(3);
        try {
            while (auto v = co_await gen.next()) ++seen;
        } catch (const std::runtime_error&) {
            co_return seen;
        }
        co_return -1;
    };
    CHECK(uio::run(main()) == 3);
}

TEST_CASE("leaving the loop early destroys the suspended generator") {
    counted::reset();
    auto main = []() -> task<void> {
        auto gen = holds_counted();
        for (int i = 0; i < 5; ++i) {
            auto value = co_await gen.next();
            CHECK(*value == i);
        }
        CHECK(counted::alive == 1);
    };
    uio::run(main());
    CHECK(counted::alive == 0);
}
