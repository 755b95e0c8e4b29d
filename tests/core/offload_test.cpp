// offload: work runs off the loop thread and the coroutine resumes on its own loop thread.
#include "uio/core/offload.hpp"

#include <stdexcept>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;

TEST_CASE("offload runs on a worker and resumes on the loop thread with the value") {
    auto main = []() -> task<void> {
        auto loop_thread = std::this_thread::get_id();
        std::thread::id worker;
        int value = co_await uio::offload([&] {
            worker = std::this_thread::get_id();
            return 6 * 7;
        });
        CHECK(value == 42);
        CHECK(worker != loop_thread);
        CHECK(std::this_thread::get_id() == loop_thread);
    };
    uio::run(main());
}

TEST_CASE("an exception thrown by offloaded work reaches the awaiter") {
    auto main = []() -> task<void> {
        co_await uio::offload([] { throw std::domain_error("in worker"); });
    };
    CHECK_THROWS_AS(uio::run(main()), std::domain_error);
}

TEST_CASE("a thousand concurrent offloads all resume on the loop thread") {
    auto main = []() -> task<long> {
        auto loop_thread = std::this_thread::get_id();
        uio::thread_pool pool(4);
        auto one = [&](int i) -> task<long> {
            long v = co_await uio::offload(pool, [i] { return static_cast<long>(i) * i; });
            CHECK(std::this_thread::get_id() == loop_thread);
            co_return v;
        };
        std::vector<task<long>> tasks;
        for (int i = 0; i < 1000; ++i) tasks.push_back(one(i));
        long sum = 0;
        for (long v : co_await uio::when_all(std::move(tasks))) sum += v;
        co_return sum;
    };
    CHECK(uio::run(main()) == 332'833'500L);  // sum of squares 0..999
}

TEST_CASE("offloaded work that takes a stop_token sees the task's stop request") {
    auto main = []() -> task<void> {
        bool saw_stop = false;
        try {
            co_await uio::with_timeout(
                [&]() -> task<void> {
                    co_await uio::offload([&](std::stop_token stop) {
                        while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
                        saw_stop = true;
                    });
                }(),
                20ms);
        } catch (const std::system_error& e) {
            CHECK(e.code() == std::errc::timed_out);
        }
        CHECK(saw_stop);
    };
    uio::run(main());
}
