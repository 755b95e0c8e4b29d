// PostgreSQL stopped under load: during a pipeline with queries in flight, and with a pool
// whose connections are busy and whose waiters queue. Every task must end with an error
// within its deadline (no hang), and once the server is back the pool must serve again. Uses
// a cluster of its own (stopping the shared one would break the tests beside this one).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "pg_test_support.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/task_group.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/pg/pipeline.hpp"
#include "uio/db/pg/pool.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;
using clock_type = std::chrono::steady_clock;

TEST_CASE(
    "server stopped during a pipeline: the pipeline fails within 5 s, reconnecting works after "
    "restart") {
    uio::testing::private_cluster cluster("pipe");
    uio::run([&]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect(cluster.conninfo(), 10s);
        std::uint64_t received = 0;
        std::string error;
        clock_type::time_point stopped_at{}, failed_at{};
        auto work = [&]() -> uio::task<void> {
            try {
                auto p = co_await pg::pipeline::open(conn, {.max_in_flight = 64});
                for (std::int64_t i = 0;; ++i) {
                    co_await p.send("select pg_sleep(0.001), $1::int8", i);
                    if (p.unreceived() >= 64) {
                        pg::result r = co_await p.receive();
                        ++received;
                    }
                }
            } catch (const std::exception& e) {
                error = e.what();
                failed_at = clock_type::now();
            }
        };
        auto stop = [&]() -> uio::task<void> {
            co_await uio::sleep_for(500ms);
            co_await uio::offload([&] { cluster.stop(); });
            stopped_at = clock_type::now();
        };
        co_await uio::with_timeout(uio::when_all(work(), stop()), 30s);
        INFO("error: " << error << ", results before the stop: " << received);
        std::printf("pipeline: %llu results, then failed %lld ms after the stop: %s\n",
                    static_cast<unsigned long long>(received),
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               failed_at - stopped_at)
                                               .count()),
                    error.c_str());
        CHECK_FALSE(error.empty());
        CHECK(received > 0);
        CHECK(failed_at - stopped_at < 5s);

        co_await uio::offload([&] { cluster.start(); });
        auto again = co_await pg::connection::connect(cluster.conninfo(), 10s);
        auto p = co_await pg::pipeline::open(again, {.max_in_flight = 64});
        std::int64_t sum = 0;
        for (std::int64_t i = 0; i < 1000; ++i) co_await p.send("select $1::int8", i);
        while (p.unreceived() > 0) {
            pg::result r = co_await p.receive();
            sum += r[0][0].as<std::int64_t>();
        }
        co_await p.close();
        CHECK(sum == 999 * 1000 / 2);
    }());
}

TEST_CASE(
    "server stopped with busy pool connections and 200 waiters: all fail by their deadline, the "
    "pool recovers") {
    uio::testing::private_cluster cluster("pool");
    uio::run([&]() -> uio::task<void> {
        pg::pool pool(cluster.conninfo(), {.size = 4, .connect_timeout = 3s});
        int ok = 0, failed = 0, late = 0;
        std::string first_error;
        auto one = [&](int i) -> uio::task<void> {
            auto start = clock_type::now();
            const auto deadline = 2s + std::chrono::milliseconds(i * 10);
            try {
                auto conn = co_await pool.acquire(deadline);
                co_await conn->fetch("select pg_sleep(0.2)");
                ++ok;
            } catch (const std::exception& e) {
                ++failed;
                if (first_error.empty()) first_error = e.what();
            }
            // acquire's deadline plus one connect attempt and one query: the most a task may take.
            if (clock_type::now() - start > deadline + 3s + 1s) ++late;
        };
        auto stop = [&]() -> uio::task<void> {
            co_await uio::sleep_for(300ms);
            co_await uio::offload([&] { cluster.stop(); });
        };
        auto start = clock_type::now();
        co_await uio::with_timeout(
            uio::when_all(
                [&]() -> uio::task<void> {
                    co_await uio::with_task_group([&](uio::task_group& g) -> uio::task<void> {
                        for (int i = 0; i < 200; ++i) g.spawn(one(i));
                        co_return;
                    });
                }(),
                stop()),
            60s);
        INFO("ok " << ok << ", failed " << failed << ", late " << late << ": " << first_error);
        std::printf("pool: %d ok, %d failed, %d late, all done in %lld ms; first error: %s\n", ok,
                    failed, late,
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               clock_type::now() - start)
                                               .count()),
                    first_error.c_str());
        CHECK(ok + failed == 200);
        CHECK(failed > 150);  // 4 connections x 0.3 s / 0.2 s per query: a few succeed first
        CHECK(late == 0);
        CHECK(clock_type::now() - start < 20s);
        CHECK(pool.waiting() == 0);

        co_await uio::offload([&] { cluster.start(); });
        int served = 0;
        auto again = [&](int i) -> uio::task<void> {
            auto conn = co_await pool.acquire(10s);
            pg::result r = co_await conn->fetch("select $1::int8", i);
            served += r[0][0].as<int>() == i;
        };
        co_await uio::with_task_group([&](uio::task_group& g) -> uio::task<void> {
            for (int i = 0; i < 100; ++i) g.spawn(again(i));
            co_return;
        });
        CHECK(served == 100);
    }());
}
