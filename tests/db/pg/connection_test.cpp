// pg::connection against the test cluster: connecting and its failures, queries with
// parameters and typed results, errors with SQLSTATE, prepared statements, streaming,
// quoting, transactions (executors like the connection), cancellation and deadlines.
#include <libpq-fe.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "pg_test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/conninfo.hpp"
#include "uio/db/pg/quote.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;
using uio::testing::require_cluster;

namespace {

template <class F>
auto run(F body) {
    return uio::run(body());
}

pg::error expect_pg_error(uio::task<void> work) {
    try {
        uio::run(std::move(work));
    } catch (const pg::error& e) {
        return e;
    }
    FAIL("expected a pg::error");
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("connect and run a query with bound parameters") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        CHECK(conn.is_open());
        CHECK(conn.backend_pid() > 0);
        pg::result r =
            co_await conn.fetch("select $1::int8 + 1, $2::text, $3::float8, $4::bool, $5::text", 41,
                                std::string("héllo"), 2.5, true, std::optional<std::string>{});
        REQUIRE(r.rows() == 1);
        CHECK(r[0][0].as<std::int64_t>() == 42);
        CHECK(r[0][1].as<std::string>() == "héllo");
        CHECK(r[0][1].as<std::string_view>() == "héllo");
        CHECK(r[0][2].as<double>() == 2.5);
        CHECK(r[0][3].as<bool>());
        CHECK(r[0][4].is_null());
        CHECK_FALSE(r[0][4].as<std::optional<std::string>>().has_value());
        CHECK(r[0][0].as<std::optional<int>>() == 42);
        CHECK_THROWS_AS(r[0][4].as<std::string>(), pg::error);  // NULL into a non-optional
        CHECK_THROWS_AS(r[0][1].as<int>(), pg::error);          // not a number
    });
}

TEST_CASE("execute yields the rows changed, fetch_value one cell") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        // Without parameters: a script of several statements; the last one's count.
        std::int64_t scripted = co_await conn.execute(
            "create temp table v (id int primary key, note text); "
            "insert into v select g, null from generate_series(1, 5) g");
        CHECK(scripted == 5);
        // Awaits stay outside CHECK: with g++ 12, an await inside Catch's macro ran twice here.
        std::int64_t updated =
            co_await conn.execute("update v set note = $1 where id > $2", "x", 3);
        std::int64_t deleted = co_await conn.execute("delete from v where id = $1", 99);
        std::int64_t created = co_await conn.execute("create temp table w (a int)");
        CHECK(updated == 2);
        CHECK(deleted == 0);
        CHECK(created == 0);

        auto count = co_await conn.fetch_value<std::int64_t>("select count(*) from v");
        auto note = co_await conn.fetch_value<std::string>("select note from v where id = $1", 4);
        // No row, or NULL: nullopt when T is optional; no row otherwise is an error.
        auto no_row =
            co_await conn.fetch_value<std::optional<int>>("select id from v where id = 0");
        auto null = co_await conn.fetch_value<std::optional<std::string>>(
            "select note from v where id = 1");
        CHECK(count == 5);
        CHECK(note == "x");
        CHECK_FALSE(no_row.has_value());
        CHECK_FALSE(null.has_value());
        bool threw = false;
        try {
            (void)co_await conn.fetch_value<int>("select id from v where id = $1", 0);
        } catch (const pg::error& e) {
            threw = true;
            CHECK_THAT(e.what(), Catch::Contains("no rows") && Catch::Contains("where id = $1"));
        }
        CHECK(threw);
    });
}

TEST_CASE("results iterate by row, by column name, and count affected rows") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        co_await conn.execute("create temp table t (id int primary key, name text)");
        pg::result ins =
            co_await conn.fetch("insert into t select g, 'n' || g from generate_series(1, 10) g");
        CHECK(ins.affected_rows() == 10);
        pg::result r = co_await conn.fetch("select id, name from t where id <= $1 order by id", 3);
        int expected = 1;
        for (pg::row row : r) {
            CHECK(row["id"].as<int>() == expected);
            CHECK(row["name"].as<std::string>() == "n" + std::to_string(expected));
            ++expected;
        }
        CHECK(expected == 4);
    });
}

TEST_CASE("a syntax error throws pg::error with SQLSTATE 42601 and the connection stays usable") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        std::string state;
        try {
            co_await conn.fetch("selec 1");
        } catch (const pg::error& e) {
            state = e.sqlstate();
            CHECK(std::string(e.what()).find("syntax error") != std::string::npos);
        }
        CHECK(state == "42601");
        pg::result r = co_await conn.fetch("select 7");
        CHECK(r[0][0].as<int>() == 7);
    });
}

TEST_CASE("connecting to a socket directory that does not exist fails clearly") {
    auto e = expect_pg_error([]() -> uio::task<void> {
        co_await pg::connection::connect(
            "host=/nonexistent-uio-dir port=5999 dbname=x password=hidden", 2s);
    }());
    std::string what = e.what();
    CHECK(what.find("/nonexistent-uio-dir") != std::string::npos);
    CHECK(what.find("hidden") == std::string::npos);
    CHECK(what.find("password=***") != std::string::npos);
}

TEST_CASE("a connection string libpq cannot parse fails without quoting its password") {
    // libpq's own message would quote the badly encoded password ("s3cr%zzet").
    auto e = expect_pg_error([]() -> uio::task<void> {
        co_await pg::connection::connect("postgresql://ann:s3cr%zzet@localhost/db", 2s);
    }());
    std::string what = e.what();
    CHECK(what.find("s3cr") == std::string::npos);
    CHECK(what.find("cannot parse") != std::string::npos);
    CHECK(what.find("postgresql://ann:***@localhost/db") != std::string::npos);
    CHECK(e.kind() == uio::error_kind::database);
    // With nothing to hide, libpq's own explanation is kept.
    auto plain = expect_pg_error([]() -> uio::task<void> {
        co_await pg::connection::connect("postgresql:///db?no_such_option=1", 2s);
    }());
    CHECK_THAT(plain.what(), Catch::Contains("no_such_option"));
}

TEST_CASE("connecting to a wrong port or a missing database fails clearly") {
    require_cluster();
    std::string host = std::getenv("PGHOST");
    auto bad_port = expect_pg_error([&]() -> uio::task<void> {
        co_await pg::connection::connect("host=" + host + " port=1", 2s);
    }());
    CHECK(std::string(bad_port.what()).find(".s.PGSQL.1") != std::string::npos);
    auto no_db = expect_pg_error([]() -> uio::task<void> {
        co_await pg::connection::connect("dbname=uio_no_such_database", 2s);
    }());
    CHECK(std::string(no_db.what()).find("uio_no_such_database") != std::string::npos);
    CHECK(std::string(no_db.what()).find("does not exist") != std::string::npos);
}

TEST_CASE("a server that never answers fails the connect at our deadline") {
    // A unix socket that listens but never accepts: the kernel completes the connect, the
    // startup packet goes out, and no answer ever comes.
    uio::testing::temp_dir dir;
    std::string path = dir / ".s.PGSQL.5999";
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    auto start = std::chrono::steady_clock::now();
    bool timed_out = false;
    std::string what;
    try {
        uio::run([&]() -> uio::task<void> {
            co_await pg::connection::connect(
                "host=" + dir.path().string() + " port=5999 password=hidden dbname=x", 300ms);
        }());
    } catch (const std::system_error& e) {
        timed_out = e.code() == std::errc::timed_out;
        what = e.what();
    }
    auto took = std::chrono::steady_clock::now() - start;
    ::close(fd);
    CHECK(timed_out);
    CHECK(took >= 250ms);
    CHECK(took < 3s);
    CHECK(what.find("hidden") == std::string::npos);
}

TEST_CASE("a wrong password is refused, and the password appears in no message") {
    require_cluster();
    // The cluster trusts local users; require a password for one role of our own.
    run([]() -> uio::task<void> {
        auto admin = co_await pg::connection::connect("", 5s);
        pg::result hba = co_await admin.fetch("show hba_file");
        std::string file = hba[0][0].as<std::string>();
        co_await admin.execute(
            "do $$ begin if not exists (select from pg_roles where rolname = 'uio_pw_user') then "
            "create role uio_pw_user login password 'right-pw'; end if; end $$");
        std::string existing = uio::testing::command_output("cat '" + file + "'");
        if (existing.find("uio_pw_user") == std::string::npos) {
            uio::testing::command_output("sed -i '1i local all uio_pw_user scram-sha-256' '" +
                                         file + "'");
        }
        co_await admin.fetch("select pg_reload_conf()");
        co_await uio::sleep_for(200ms);  // the postmaster reloads asynchronously
    });
    auto e = expect_pg_error([]() -> uio::task<void> {
        co_await pg::connection::connect("user=uio_pw_user password=wrong-pw-123", 5s);
    }());
    std::string what = e.what();
    CHECK(what.find("password authentication failed") != std::string::npos);
    CHECK(what.find("wrong-pw-123") == std::string::npos);
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("user=uio_pw_user password=right-pw", 5s);
        pg::result r = co_await conn.fetch("select current_user");
        CHECK(r[0][0].as<std::string>() == "uio_pw_user");
    });
}

TEST_CASE("prepared statements, named and in unnamed mode for poolers") {
    require_cluster();
    run([]() -> uio::task<void> {
        for (bool unnamed : {false, true}) {
            auto conn = co_await pg::connection::connect("", 5s, {.unnamed_statements = unnamed});
            co_await conn.prepare("double_it", "select $1::int8 * 2");
            for (int i = 0; i < 5; ++i) {
                pg::result r = co_await conn.fetch_prepared("double_it", i);
                CHECK(r[0][0].as<std::int64_t>() == 2 * i);
            }
            pg::result named = co_await conn.fetch(
                "select count(*) from pg_prepared_statements where name = 'double_it'");
            CHECK(named[0][0].as<int>() == (unnamed ? 0 : 1));
        }
    });
}

TEST_CASE("a large result streams row by row") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        auto rows =
            conn.stream("select g, repeat('x', 100) from generate_series(1, $1::int) g", 50000);
        std::int64_t count = 0;
        std::int64_t sum = 0;
        while (auto row = co_await rows.next()) {
            ++count;
            sum += (*row)[0].as<std::int64_t>();
        }
        CHECK(count == 50000);
        CHECK(sum == 50000LL * 50001 / 2);
        // Abandoning a stream half-way leaves the connection to be drained by its next use.
        {
            auto partial = conn.stream("select g from generate_series(1, 100000) g");
            for (int i = 0; i < 10; ++i) co_await partial.next();
        }
        pg::result r = co_await conn.fetch("select 5");
        CHECK(r[0][0].as<int>() == 5);
    });
}

TEST_CASE("a hostile identifier is quoted with PQescapeIdentifier") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        std::string name = "we\"ird; drop table x; --";
        std::string quoted = pg::quote_identifier(conn, name);
        CHECK(quoted == "\"we\"\"ird; drop table x; --\"");
        co_await conn.execute("create temp table " + quoted + " (v int)");
        co_await conn.execute("insert into " + quoted + " values (1)");
        pg::result r = co_await conn.fetch("select relname from pg_class where relname = $1", name);
        CHECK(r.rows() == 1);
        CHECK(pg::quote_literal(conn, "it's") == "'it''s'");
    });
}

TEST_CASE("transactions roll back unless committed") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        co_await conn.execute("create temp table acct (v int)");
        {
            auto tx = co_await conn.begin();
            co_await tx.execute("insert into acct values ($1)", 1);
            co_await tx.commit();
        }
        {
            auto tx = co_await conn.begin();
            co_await tx.execute("insert into acct values (2)");
            // dropped without commit
        }
        try {
            auto tx = co_await conn.begin();
            co_await tx.fetch("insert into acct values ($1)", 3);
            throw std::runtime_error("fail inside the transaction");
        } catch (const std::runtime_error&) {
        }
        {
            auto tx = co_await conn.begin();
            co_await tx.execute("insert into acct values (4)");
            auto inside = co_await tx.fetch_value<std::int64_t>("select count(*) from acct");
            CHECK(inside == 2);
            co_await tx.rollback();
            CHECK(!tx.is_open());
        }
        pg::result r =
            co_await conn.fetch("select coalesce(string_agg(v::text, ','), '') from acct");
        CHECK(r[0][0].as<std::string>() == "1");
        CHECK(PQtransactionStatus(conn.native()) == PQTRANS_IDLE);
    });
}

namespace {
// Written once against pg::executor: runs on a connection and on a transaction alike.
uio::task<std::optional<std::string>> executor_test_name_of(pg::executor& db, int id) {
    std::optional<pg::row> r = co_await db.fetch_row("select name from people where id = $1", id);
    if (!r) co_return std::nullopt;
    co_return (*r)[0].as<std::string>();
}
}  // namespace

TEST_CASE("fetch_row yields the first row or none, on a connection and on a transaction") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        co_await conn.execute(
            "create temp table people (id int, name text);"
            "insert into people values (1, 'ann'), (2, 'bob'), (2, 'bea')");
        // The row outlives the result it came from.
        std::optional<pg::row> first =
            co_await conn.fetch_row("select id, name from people where id = $1 order by name", 2);
        REQUIRE(first);
        CHECK((*first)[0].as<int>() == 2);
        CHECK((*first)["name"].as<std::string>() == "bea");
        std::optional<pg::row> none = co_await conn.fetch_row("select 1 where false");
        CHECK(!none);

        auto on_conn = co_await executor_test_name_of(conn, 1);
        CHECK(on_conn == "ann");
        {
            auto tx = co_await conn.begin();
            co_await tx.execute("update people set name = $1 where id = $2", "amy", 1);
            auto in_tx = co_await executor_test_name_of(tx, 1);
            CHECK(in_tx == "amy");
            auto missing = co_await executor_test_name_of(tx, 3);
            CHECK(!missing);
            co_await tx.rollback();
        }
        auto after = co_await executor_test_name_of(conn, 1);
        CHECK(after == "ann");

        // A finished transaction runs nothing: the caller's mistake, said at once.
        auto tx = co_await conn.begin();
        co_await tx.commit();
        bool refused = false;
        try {
            co_await tx.execute("select 1");
        } catch (const std::logic_error&) {
            refused = true;
        }
        CHECK(refused);
        CHECK(PQtransactionStatus(conn.native()) == PQTRANS_IDLE);
    });
}

TEST_CASE("cancelling pg_sleep(60) returns promptly and the connection stays usable") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        auto start = std::chrono::steady_clock::now();
        bool timed_out = false;
        try {
            co_await uio::with_timeout(conn.fetch("select pg_sleep(60)"), 200ms);
        } catch (const std::system_error& e) {
            timed_out = e.code() == std::errc::timed_out;
        }
        auto took = std::chrono::steady_clock::now() - start;
        CHECK(timed_out);
        CHECK(took < 5s);
        CHECK(conn.is_reusable());
        pg::result r = co_await conn.fetch("select 1");
        CHECK(r[0][0].as<int>() == 1);
    });
}

TEST_CASE("connection::cancel from another task ends a running query with SQLSTATE 57014") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        std::string state;
        auto sleeper = [&]() -> uio::task<void> {
            try {
                co_await conn.fetch("select pg_sleep(60)");
            } catch (const pg::error& e) {
                state = e.sqlstate();
            }
        };
        auto canceller = [&]() -> uio::task<void> {
            co_await uio::sleep_for(100ms);
            co_await conn.cancel();
        };
        auto start = std::chrono::steady_clock::now();
        co_await uio::when_all(sleeper(), canceller());
        CHECK(state == "57014");
        CHECK(std::chrono::steady_clock::now() - start < 5s);
    });
}

TEST_CASE("a per-query timeout cancels a slow query") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s, {.query_timeout = 150ms});
        bool timed_out = false;
        try {
            co_await conn.fetch("select pg_sleep(30)");
        } catch (const std::system_error& e) {
            timed_out = e.code() == std::errc::timed_out;
        }
        CHECK(timed_out);
        pg::result r = co_await conn.fetch("select 3");
        CHECK(r[0][0].as<int>() == 3);
    });
}

TEST_CASE("two operations at once on one connection are refused") {
    require_cluster();
    run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        bool refused = false;
        auto slow = [&]() -> uio::task<void> { co_await conn.fetch("select pg_sleep(0.2)"); };
        auto second = [&]() -> uio::task<void> {
            co_await uio::sleep_for(20ms);
            try {
                co_await conn.fetch("select 1");
            } catch (const std::logic_error&) {
                refused = true;
            }
        };
        co_await uio::when_all(slow(), second());
        CHECK(refused);
    });
}
