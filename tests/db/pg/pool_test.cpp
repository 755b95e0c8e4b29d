// pg::pool: 4 connections serving 1,000 concurrent tasks; deadlines on acquire; broken and
// interrupted connections are replaced.
#include <catch2/catch.hpp>
#include <chrono>
#include <set>

#include "pg_test_support.hpp"
#include "uio/core/task_group.hpp"
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
            // No per-waiter timer: 996 queued acquire(timeout) calls would hold 996 ring
            // timeouts (see pool.hpp).
            auto conn = co_await pool.acquire();
            pg::result r = co_await conn->query("select $1::int8, pg_backend_pid()", i);
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
            co_await admin.query("select pg_terminate_backend($1)", first_pid);
            co_await uio::sleep_for(100ms);
        }
        int second_pid = 0;
        {
            auto conn = co_await pool.acquire(5s);
            second_pid = conn->backend_pid();
            pg::result r = co_await conn->query("select 1");
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
        pg::result r = co_await conn->query("select 2");
        CHECK(r[0][0].as<int>() == 2);
    }());
}
