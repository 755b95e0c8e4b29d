// The server going away mid-query is an error, not a hang. Uses a private cluster, since
// stopping the shared one would break the tests running beside this one.
#include <catch2/catch.hpp>
#include <chrono>

#include "pg_test_support.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;

TEST_CASE("stopping the server mid-query raises an error instead of hanging") {
    uio::testing::private_cluster cluster("stop");
    uio::run([&]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect(cluster.conninfo(), 10s);
        bool failed = false;
        std::string what;
        auto query = [&]() -> uio::task<void> {
            try {
                co_await conn.fetch("select pg_sleep(60)");
            } catch (const pg::error& e) {
                failed = true;
                what = e.what();
            }
        };
        auto stop = [&]() -> uio::task<void> {
            co_await uio::sleep_for(200ms);
            co_await uio::offload([&] { cluster.stop(); });
        };
        auto start = std::chrono::steady_clock::now();
        co_await uio::with_timeout(uio::when_all(query(), stop()), 30s);
        CHECK(failed);
        CHECK(std::chrono::steady_clock::now() - start < 20s);
        CHECK_FALSE(what.empty());
        CHECK(conn.is_broken());
        bool refused = false;
        try {
            co_await conn.fetch("select 1");
        } catch (const pg::error&) {
            refused = true;
        }
        CHECK(refused);
    }());
}
