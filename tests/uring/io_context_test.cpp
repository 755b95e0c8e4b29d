// io_context: running, queueing past the ring's size, cross-thread wake-ups and stops.
#include "uio/uring/io_context.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

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

namespace {

// A pipe whose ends close at scope end. Reads from a pipe go to the ring's poll machinery and
// complete asynchronously, like a device's: the tests below use them as one.
struct test_pipe {
    int read_end = -1, write_end = -1;
    test_pipe() {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        read_end = fds[0];
        write_end = fds[1];
    }
    ~test_pipe() {
        ::close(read_end);
        ::close(write_end);
    }
    test_pipe(const test_pipe&) = delete;
    test_pipe& operator=(const test_pipe&) = delete;
};

void write_byte(int fd) {  // also from other threads, so no Catch2 macros
    char byte = 'x';
    if (::write(fd, &byte, 1) != 1) std::abort();
}

// Awaits `rounds` one-byte reads from `fd`.
task<void> read_bytes(int fd, int rounds, int& got) {
    std::byte byte[1];
    std::span<std::byte> buffer(byte);
    for (int i = 0; i < rounds; ++i) {
        int n = co_await uio::read(fd, buffer, 0);
        if (n == 1) ++got;
    }
}

}  // namespace

// Nothing in the loop may hold back a completion while other requests are in flight: a
// timer fires on time and a lone completion is resumed at once with 32 reads still pending.
TEST_CASE("a timer and a lone completion are not delayed by many pending requests") {
    using clock_type = std::chrono::steady_clock;
    uio::io_context context;
    std::vector<std::unique_ptr<test_pipe>> idle(32);
    for (auto& p : idle) p = std::make_unique<test_pipe>();
    test_pipe lone;
    std::vector<int> idle_got(idle.size(), 0);
    int lone_got = 0;
    clock_type::duration sleep_took{}, lone_took{};
    auto main = [&]() -> task<void> {
        std::vector<task<void>> pending;
        for (std::size_t i = 0; i < idle.size(); ++i) {
            pending.push_back(read_bytes(idle[i]->read_end, 1, idle_got[i]));
        }
        auto measured = [&]() -> task<void> {
            // Warm up with a burst of completions, as a busy loop would have just seen.
            std::vector<task<void>> nops;
            for (int i = 0; i < 64; ++i)
                nops.push_back([]() -> task<void> {
                    for (int k = 0; k < 50; ++k) co_await uio::nop();
                }());
            co_await uio::when_all(std::move(nops));

            auto start = clock_type::now();
            co_await uio::sleep_for(2ms);
            sleep_took = clock_type::now() - start;

            std::atomic<clock_type::rep> written{0};
            std::jthread writer([&] {
                std::this_thread::sleep_for(5ms);
                written = clock_type::now().time_since_epoch().count();
                write_byte(lone.write_end);
            });
            co_await read_bytes(lone.read_end, 1, lone_got);
            lone_took = clock_type::now().time_since_epoch() - clock_type::duration(written.load());
            for (auto& p : idle) write_byte(p->write_end);  // let the idle reads finish
        };
        pending.push_back(measured());
        co_await uio::when_all(std::move(pending));
    };
    context.run(main());
    CHECK(lone_got == 1);
    for (int got : idle_got) CHECK(got == 1);
    // Generous bounds (loaded CI machines): they fail when a wait holds a completion back
    // until some other request completes, which here would be never.
    CHECK(sleep_took >= 2ms);
    CHECK(sleep_took < 200ms);
    CHECK(lone_took < 200ms);
}

TEST_CASE("a burst of device completions submits the next requests early") {
    constexpr int tasks = 16, rounds = 20;
    auto run_bursts = [&](unsigned early_submit_batch) {
        uio::io_context context({.early_submit_batch = early_submit_batch});
        test_pipe pipe;
        std::vector<int> got(tasks, 0);
        std::jthread writer([&] {
            // One write makes all 16 pending one-byte reads complete together: a burst.
            const std::string burst(tasks, 'x');
            for (int r = 0; r < rounds; ++r) {
                std::this_thread::sleep_for(2ms);
                if (::write(pipe.write_end, burst.data(), burst.size()) != tasks) std::abort();
            }
        });
        auto main = [&]() -> task<void> {
            std::vector<task<void>> readers;
            for (int t = 0; t < tasks; ++t) {
                readers.push_back(read_bytes(pipe.read_end, rounds, got[t]));
            }
            co_await uio::when_all(std::move(readers));
        };
        context.run(main());
        int total = 0;
        for (int g : got) total += g;
        CHECK(total == tasks * rounds);
        return context.stats();
    };
    auto early = run_bursts(4);
    INFO("completed " << early.completed << " enter " << early.enter_calls << " submitted " << early.submitted);
    CHECK(early.early_submits > 0);
    auto late = run_bursts(0);
    CHECK(late.early_submits == 0);
}

TEST_CASE("NOPs complete inline and keep one submission per turn") {
    uio::io_context context;
    auto main = []() -> task<void> {
        std::vector<task<void>> tasks;
        for (int i = 0; i < 32; ++i)
            tasks.push_back([]() -> task<void> {
                for (int k = 0; k < 2000; ++k) co_await uio::nop();
            }());
        co_await uio::when_all(std::move(tasks));
    };
    context.run(main());
    const auto& s = context.stats();
    CHECK(s.completed == 64000);
    INFO("early submits " << s.early_submits << ", enter calls " << s.enter_calls);
    // A preempted system call may look like a device wait now and then; not more than that.
    CHECK(s.early_submits * 4 < s.completed / 10);
}
