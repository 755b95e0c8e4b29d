// channel: FIFO order, backpressure bounded by capacity, close semantics, cancellation.
#include "uio/core/channel.hpp"

#include <chrono>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::channel;
using uio::task;

TEST_CASE("a bounded channel keeps order and never lets the producer run ahead of capacity") {
    for (std::size_t capacity : {0u, 1u, 4u}) {
        channel<int> ch(capacity);
        int sent = 0, received = 0, max_ahead = 0;
        auto producer = [&]() -> task<void> {
            for (int i = 0; i < 1000; ++i) {
                co_await ch.send(i);
                ++sent;
                max_ahead = std::max(max_ahead, sent - received);
            }
            ch.close();
        };
        auto consumer = [&]() -> task<void> {
            int expected = 0;
            while (auto v = co_await ch.receive()) {
                CHECK(*v == expected++);
                ++received;
                if (expected % 7 == 0) co_await uio::sleep_for(0ms);
            }
        };
        uio::run(uio::when_all(producer(), consumer()));
        CHECK(received == 1000);
        CHECK(max_ahead <= static_cast<int>(capacity) + 1);
    }
}

TEST_CASE("receive on a closed, drained channel returns nullopt, and send on it throws") {
    auto main = []() -> task<void> {
        channel<std::string> ch(2);
        co_await ch.send("a");
        ch.close();
        auto result_1 = co_await ch.receive();
        CHECK(*result_1 == "a");
        auto result_2 = co_await ch.receive();
        CHECK_FALSE(result_2);
        bool threw = false;
        try {
            co_await ch.send("b");
        } catch (const std::system_error& e) {
            threw = e.code() == std::errc::broken_pipe;
        }
        CHECK(threw);
    };
    uio::run(main());
}

TEST_CASE("closing a channel wakes every waiting receiver") {
    channel<int> ch(1);
    int woke = 0;
    auto waiter = [&]() -> task<void> {
        auto v = co_await ch.receive();
        CHECK_FALSE(v);
        ++woke;
    };
    auto closer = [&]() -> task<void> {
        co_await uio::sleep_for(2ms);
        ch.close();
    };
    uio::run(uio::when_all(waiter(), waiter(), closer()));
    CHECK(woke == 2);
}

TEST_CASE("a receive blocked on an empty channel is cancelled by a timeout") {
    channel<int> ch(1);
    auto main = [&]() -> task<void> {
        bool timed_out = false;
        try {
            co_await uio::with_timeout([&]() -> task<void> { co_await ch.receive(); }(), 5ms);
        } catch (const std::system_error& e) {
            timed_out = e.code() == std::errc::timed_out;
        }
        CHECK(timed_out);
        // The cancelled receiver left the wait list: a later value goes to a new receiver.
        co_await ch.send(7);
        auto result_3 = co_await ch.receive();
        CHECK(*result_3 == 7);
    };
    uio::run(main());
}
