// pg::pool: 4 connections serving 1,000 concurrent tasks; deadlines on acquire share one
// timer (1,000 waiters on 2 connections all served, 500 waiters all time out promptly);
// broken and interrupted connections are replaced.
#include <catch2/catch.hpp>
#include <chrono>
#include <set>

#include "pg_test_support.hpp"
#include "uio/core/task_group.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/pg/pool.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;

TEST_CASE("a pool of 4 connections serves 1,000 concurrent tasks") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        pg::pool pool("", {.size = 4});
        std::set<int> backends;
        std::int64_t sum = 0;
        int done = 0;
        auto one = [&](int i) -> uio::task<void> {
            // 996 queued acquire(timeout) calls share the pool's one timer.
            auto conn = co_await pool.acquire(30s);
            pg::result r = co_await conn->fetch("select $1::int8, pg_backend_pid()", i);
            sum += r[0][0].as<std::int64_t>();
            backends.insert(r[0][1].as<int>());
            ++done;
        };
        co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
            for (int i = 0; i < 1000; ++i) group.spawn(one(i));
            co_return;
        });
        CHECK(done == 1000);
        CHECK(sum == 999 * 1000 / 2);
        CHECK(backends.size() <= 4);
        CHECK(backends.size() >= 2);
        CHECK(pool.connections_made() <= 4);
        CHECK(pool.idle() == pool.connections_made());
    }());
}

TEST_CASE("1,000 tasks with deadlines on a pool of 2 all succeed, holding one timer") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        pg::pool pool("", {.size = 2});
        std::int64_t sum = 0;
        int done = 0;
        unsigned most_in_flight = 0;
        std::size_t most_waiting = 0;
        auto one = [&](int i) -> uio::task<void> {
            auto conn = co_await pool.acquire(30s);
            most_in_flight = std::max(most_in_flight, uio::io_context::current().in_flight());
            most_waiting = std::max(most_waiting, pool.waiting());
            pg::result r = co_await conn->fetch("select $1::int8", i);
            sum += r[0][0].as<std::int64_t>();
            ++done;
        };
        co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
            for (int i = 0; i < 1000; ++i) group.spawn(one(i));
            co_return;
        });
        CHECK(done == 1000);
        CHECK(sum == 999 * 1000 / 2);
        CHECK(most_waiting >= 900);
        // Two sockets, the wake-up read, one timer and a cancel or two: not one per waiter.
        CHECK(most_in_flight < 16);
        CHECK(pool.waiting() == 0);
        CHECK(pool.connections_made() <= 2);
    }());
}

TEST_CASE("500 waiters on a taken pool all time out promptly, and the pool still works") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        pg::pool pool("", {.size = 1});
        auto held = co_await pool.acquire(5s);
        int timed_out = 0;
        int other = 0;
        std::chrono::steady_clock::duration slowest{};
        auto one = [&](int i) -> uio::task<void> {
            auto start = std::chrono::steady_clock::now();
            try {
                // Deadlines from 100 ms to 149 ms, in no particular order.
                auto limit = std::chrono::milliseconds(100 + (i * 37) % 50);
                auto conn = co_await pool.acquire(limit);
                ++other;
            } catch (const std::system_error& e) {
                if (e.code() == std::errc::timed_out) {
                    ++timed_out;
                } else {
                    ++other;
                }
            }
            slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
        };
        auto start = std::chrono::steady_clock::now();
        co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
            for (int i = 0; i < 500; ++i) group.spawn(one(i));
            co_return;
        });
        auto total = std::chrono::steady_clock::now() - start;
        CHECK(timed_out == 500);
        CHECK(other == 0);
        CHECK(total >= 100ms);
        CHECK(slowest < 1s);
        CHECK(pool.waiting() == 0);
        held.release();
        auto again = co_await pool.acquire(1s);
        pg::result r = co_await again->fetch("select 7");
        CHECK(r[0][0].as<int>() == 7);
    }());
}

TEST_CASE("a waiter with an earlier deadline takes over the timer, a cancelled one leaves") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        pg::pool pool("", {.size = 1});
        auto held = co_await pool.acquire(5s);
        auto elapsed = [](std::chrono::steady_clock::time_point t) {
            return std::chrono::steady_clock::now() - t;
        };
        std::chrono::steady_clock::duration late_took{}, early_took{};
        bool late_timed_out = false, early_timed_out = false, cancelled = false;
        auto late = [&]() -> uio::task<void> {
            auto t = std::chrono::steady_clock::now();
            try {
                auto conn = co_await pool.acquire(2s);
            } catch (const std::system_error& e) {
                late_timed_out = e.code() == std::errc::timed_out;
            }
            late_took = elapsed(t);
        };
        auto early = [&]() -> uio::task<void> {
            auto t = std::chrono::steady_clock::now();
            try {
                auto conn = co_await pool.acquire(50ms);
            } catch (const std::system_error& e) {
                early_timed_out = e.code() == std::errc::timed_out;
            }
            early_took = elapsed(t);
        };
        auto stopped = [&]() -> uio::task<void> {
            try {
                auto work = pool.acquire(10s);
                auto conn = co_await uio::with_timeout(std::move(work), 20ms);
            } catch (const std::system_error& e) {
                cancelled = e.code() == std::errc::timed_out;
            }
        };
        auto release_later = [&]() -> uio::task<void> {
            co_await uio::sleep_for(300ms);
            held.release();
        };
        co_await uio::when_all(late(), early(), stopped(), release_later());
        CHECK(early_timed_out);
        CHECK(early_took < 1s);
        CHECK(cancelled);
        CHECK_FALSE(late_timed_out);  // served when the holder let go at 300 ms
        CHECK(late_took < 1500ms);
        CHECK(pool.waiting() == 0);
    }());
}

TEST_CASE("acquire gives up at its deadline when every connection is taken") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        pg::pool pool("", {.size = 1});
        auto held = co_await pool.acquire(5s);
        auto start = std::chrono::steady_clock::now();
        bool timed_out = false;
        try {
            auto second = co_await pool.acquire(100ms);
        } catch (const std::system_error& e) {
            timed_out = e.code() == std::errc::timed_out;
        }
        CHECK(timed_out);
        CHECK(std::chrono::steady_clock::now() - start < 2s);
        held.release();
        auto again = co_await pool.acquire(1s);
        CHECK(again->is_open());
    }());
}

TEST_CASE("the pool replaces a connection the server killed and one not idle after a cancel") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        pg::pool pool("", {.size = 1});
        int first_pid = 0;
        {
            auto conn = co_await pool.acquire(5s);
            first_pid = conn->backend_pid();
        }
        {
            auto admin = co_await pg::connection::connect("", 5s);
            co_await admin.fetch("select pg_terminate_backend($1)", first_pid);
            co_await uio::sleep_for(100ms);
        }
        int second_pid = 0;
        {
            auto conn = co_await pool.acquire(5s);
            second_pid = conn->backend_pid();
            pg::result r = co_await conn->fetch("select 1");
            CHECK(r[0][0].as<int>() == 1);
        }
        CHECK(second_pid != first_pid);
        CHECK(pool.connections_discarded() == 1);
        {
            // Abandon a stream mid-way: the connection is not idle when it comes back.
            auto conn = co_await pool.acquire(5s);
            auto rows = conn->stream("select g from generate_series(1, 1000000) g");
            co_await rows.next();
        }
        CHECK(pool.connections_discarded() == 2);
        auto conn = co_await pool.acquire(5s);
        CHECK(conn->backend_pid() != second_pid);
        pg::result r = co_await conn->fetch("select 2");
        CHECK(r[0][0].as<int>() == 2);
    }());
}
