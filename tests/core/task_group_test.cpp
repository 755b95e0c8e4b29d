// task_group: spawned children run concurrently, are joined, and failures stop the group.
#include "uio/core/task_group.hpp"

#include <chrono>
#include <stdexcept>

#include "test_support.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;
using uio::task_group;

TEST_CASE("with_task_group joins every spawned child before returning") {
    int finished = 0;
    auto child = [&](int ms) -> task<void> {
        co_await uio::sleep_for(std::chrono::milliseconds(ms));
        ++finished;
    };
    auto main = [&]() -> task<void> {
        co_await uio::with_task_group([&](task_group& group) -> task<void> {
            for (int i = 0; i < 100; ++i) group.spawn(child(i % 10));
            CHECK(group.running() == 100);
            co_return;
        });
        CHECK(finished == 100);
    };
    uio::run(main());
    CHECK(finished == 100);
}

TEST_CASE("a child may spawn siblings into its group") {
    int runs = 0;
    // Coroutine lambdas keep their captures in the closure object: it must outlive the tasks
    // it creates, so these live here rather than inside the group's body.
    task_group* group_ptr = nullptr;
    auto leaf = [&]() -> task<void> {
        co_await uio::sleep_for(1ms);
        ++runs;
    };
    auto parent = [&]() -> task<void> {
        group_ptr->spawn(leaf());
        group_ptr->spawn(leaf());
        ++runs;
        co_return;
    };
    auto main = [&]() -> task<void> {
        co_await uio::with_task_group([&](task_group& group) -> task<void> {
            group_ptr = &group;
            group.spawn(parent());
            co_return;
        });
    };
    uio::run(main());
    CHECK(runs == 3);
}

TEST_CASE("a failing child stops its siblings and the body, and its error is rethrown") {
    int cancelled = 0;
    auto sleeper = [&]() -> task<void> {
        try {
            co_await uio::sleep_for(30s);
        } catch (const std::system_error& e) {
            if (e.code() == std::errc::operation_canceled) ++cancelled;
            throw;
        }
    };
    auto failing = []() -> task<void> {
        co_await uio::sleep_for(2ms);
        throw std::runtime_error("child failed");
    };
    auto main = [&]() -> task<void> {
        co_await uio::with_task_group([&](task_group& group) -> task<void> {
            group.spawn(sleeper());
            group.spawn(sleeper());
            group.spawn(failing());
            co_await sleeper();  // the body itself is stopped too
        });
    };
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(uio::run(main()), "child failed");
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    CHECK(cancelled == 3);
}

TEST_CASE("an exception in the body stops the children and is rethrown after the join") {
    bool child_stopped = false;
    auto child = [&]() -> task<void> {
        try {
            co_await uio::sleep_for(30s);
        } catch (...) {
            child_stopped = true;
            throw;
        }
    };
    auto main = [&]() -> task<void> {
        co_await uio::with_task_group([&](task_group& group) -> task<void> {
            group.spawn(child());
            co_await uio::sleep_for(1ms);
            throw std::invalid_argument("body failed");
        });
    };
    CHECK_THROWS_AS(uio::run(main()), std::invalid_argument);
    CHECK(child_stopped);
}
