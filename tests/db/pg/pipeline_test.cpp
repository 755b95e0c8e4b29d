// pg::pipeline: many queries in flight, results in order, errors tied to their query.
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "pg_test_support.hpp"
#include "uio/db/pg/pipeline.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;

TEST_CASE("10,000 pipelined queries come back correct and in order") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        auto p = co_await pg::pipeline::open(conn, {.max_in_flight = 500});
        constexpr int n = 10'000;
        int next_expected = 0;
        bool in_order = true;
        auto check = [&](const pg::result& r) {
            if (r[0][0].as<std::int64_t>() != std::int64_t(next_expected) * 3 ||
                r[0][1].as<std::string>() != "q" + std::to_string(next_expected)) {
                in_order = false;
            }
            ++next_expected;
        };
        for (int i = 0; i < n; ++i) {
            std::uint64_t index =
                co_await p.send("select $1::int8 * 3, $2::text", i, "q" + std::to_string(i));
            CHECK(index == std::uint64_t(i));
            if (p.unreceived() >= 500) check(co_await p.receive());
        }
        while (p.unreceived() > 0) check(co_await p.receive());
        co_await p.close();
        CHECK(in_order);
        CHECK(next_expected == n);
        pg::result after = co_await conn.fetch("select 'idle again'");
        CHECK(after[0][0].as<std::string>() == "idle again");
    }());
}

TEST_CASE(
    "an error in the middle of a pipeline belongs to its query and its followers are aborted") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        auto p = co_await pg::pipeline::open(conn);
        for (int i = 0; i < 10; ++i) {
            if (i == 4) {
                co_await p.send("select 1 / $1::int", 0);  // division by zero
            } else {
                co_await p.send("select $1::int", i);
            }
        }
        std::vector<std::string> outcome;
        for (int i = 0; i < 10; ++i) {
            try {
                pg::result r = co_await p.receive();
                outcome.push_back(std::to_string(r[0][0].as<int>()));
            } catch (const pg::pipeline_aborted& e) {
                outcome.push_back("aborted");
                CHECK(e.query_index() == std::size_t(i));
                CHECK(std::string(e.what()).find("#4") != std::string::npos);
            } catch (const pg::error& e) {
                outcome.push_back(e.sqlstate());
                CHECK(e.query_index() == std::size_t(4));
            }
        }
        CHECK(outcome == std::vector<std::string>{"0", "1", "2", "3", "22012", "aborted", "aborted",
                                                  "aborted", "aborted", "aborted"});
        // The next batch runs normally.
        co_await p.send("select 99");
        pg::result r = co_await p.receive();
        CHECK(r[0][0].as<int>() == 99);
        co_await p.close();
    }());
}

TEST_CASE("a pipeline syncs every half window: an error aborts only the rest of its batch") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        // max_in_flight 10: a sync after every 5 queries, so batches are #0-4, #5-9, ...
        auto p = co_await pg::pipeline::open(conn, {.max_in_flight = 10});
        std::vector<std::string> outcome;
        auto receive_one = [&]() -> uio::task<void> {
            try {
                pg::result r = co_await p.receive();
                outcome.push_back(std::to_string(r[0][0].as<int>()));
            } catch (const pg::pipeline_aborted&) {
                outcome.push_back("aborted");
            } catch (const pg::error& e) {
                outcome.push_back(e.sqlstate());
            }
        };
        for (int i = 0; i < 15; ++i) {
            if (i == 6) {
                co_await p.send("select 1 / $1::int", 0);
            } else {
                co_await p.send("select $1::int", i);
            }
            if (p.unreceived() >= 10) co_await receive_one();
        }
        while (p.unreceived() > 0) co_await receive_one();
        CHECK(outcome == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "22012", "aborted",
                                                  "aborted", "aborted", "10", "11", "12", "13",
                                                  "14"});
        co_await p.close();
    }());
}

TEST_CASE("a pipeline dropped without close() leaves the connection usable") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        {
            auto p = co_await pg::pipeline::open(conn, {.max_in_flight = 10});
            for (int i = 0; i < 50; ++i) co_await p.send("select $1::int", i);
        }
        pg::result r = co_await conn.fetch("select 42");
        CHECK(r[0][0].as<int>() == 42);
        CHECK(PQpipelineStatus(conn.native()) == PQ_PIPELINE_OFF);
    }());
}
