// task<T>: values and exceptions travel to the awaiter, laziness, no leaks, constant stack.
#include "uio/core/task.hpp"

#include <stdexcept>

#include "counted.hpp"
#include "test_support.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
using uio::testing::counted;

namespace {
task<int> forty_two() {
    co_return 42;
}
task<int> add_one(task<int> inner) {
    co_return 1 + co_await std::move(inner);
}
task<void> fail() {
    throw std::runtime_error("boom");
    co_return;
}
task<int> immediate(int i) {
    co_return i;
}
}  // namespace

static_assert(!std::is_copy_constructible_v<task<int>>);
static_assert(std::is_nothrow_move_constructible_v<task<int>>);

TEST_CASE("a task returns its value to the awaiter") {
    CHECK(uio::run(add_one(forty_two())) == 43);
}

TEST_CASE("an exception thrown in a task is rethrown in the awaiter") {
    auto outer = []() -> task<std::string> {
        try {
            co_await fail();
        } catch (const std::runtime_error& e) {
            co_return std::string("caught ") + e.what();
        }
        co_return "not thrown";
    };
    CHECK(uio::run(outer()) == "caught boom");
    CHECK_THROWS_WITH(uio::run(fail()), "boom");
}

TEST_CASE("a task is lazy: its body runs only when awaited") {
    bool ran = false;
    auto body = [&]() -> task<void> {
        ran = true;
        co_return;
    };
    task<void> t = body();
    CHECK_FALSE(ran);
    uio::run(std::move(t));
    CHECK(ran);
}

TEST_CASE("a task destroyed unawaited destroys its frame and parameters") {
    counted::reset();
    {
        auto make = [](counted c) -> task<void> {
            (void)c;
            co_return;
        };
        task<void> t = make(counted{});
        CHECK(counted::alive >= 1);
    }
    CHECK(counted::alive == 0);
    CHECK(counted::copies == 0);
}

// Symmetric transfer is a tail call only in builds without sanitizers: g++ keeps the call
// frames under ASan at any -O level, so the stack depth these tests rely on is unbounded there.
static void skip_if_sanitized() {
#ifdef UIO_SANITIZED
    uio::testing::skip("g++ does not emit symmetric transfer as a tail call under " UIO_SANITIZED
                       "; checked in the normal build");
#endif
}

TEST_CASE("a million synchronously completing awaits do not grow the stack") {
    skip_if_sanitized();
    auto loop = []() -> task<long> {
        long sum = 0;
        for (int i = 0; i < 1'000'000; ++i) sum += co_await immediate(1);
        co_return sum;
    };
    CHECK(uio::run(loop()) == 1'000'000);
}

TEST_CASE("a deep chain of nested tasks completes") {
    skip_if_sanitized();
    struct deep {
        static task<int> depth(int n) {
            if (n == 0) co_return 0;
            co_return 1 + co_await depth(n - 1);
        }
    };
    CHECK(uio::run(deep::depth(100'000)) == 100'000);
}
