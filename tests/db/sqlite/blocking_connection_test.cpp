// blocking_connection, driven directly (as code on the worker drives it): the vocabulary it
// shares with database and PostgreSQL. execute yields the rows changed and runs scripts
// without parameters, fetch every row, fetch_value one cell or a clear error.
#include "uio/db/sqlite/blocking_connection.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "memory_connection.hpp"
#include "uio/db/sqlite/error.hpp"

namespace sqlite = uio::sqlite;
using sqlite_test::open_memory;

TEST_CASE("execute yields the rows changed, and runs a script without parameters") {
    auto c = open_memory();
    CHECK(c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);"
                    "INSERT INTO t (id) VALUES (1), (2), (3);") == 3);
    CHECK(c.execute("UPDATE t SET note = ? WHERE id > ?", "x", 1) == 2);
    CHECK(c.execute("DELETE FROM t WHERE id = ?", 99) == 0);
    // Parameters belong to one statement: a script with them is refused.
    CHECK_THROWS_AS(c.execute("UPDATE t SET note = ?; DELETE FROM t", "y"), sqlite::error);
}

TEST_CASE("fetch yields every row, fetch_value the first cell") {
    auto c = open_memory();
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)");
    c.execute("INSERT INTO t VALUES (1, NULL), (2, 'two')");
    sqlite::rows r = c.fetch("SELECT id, note FROM t WHERE id >= ? ORDER BY id", 1);
    REQUIRE(r.size() == 2);
    CHECK(r[1].get<std::string>("note") == "two");

    CHECK(c.fetch_value<std::int64_t>("SELECT count(*) FROM t") == 2);
    CHECK(c.fetch_value<std::string>("SELECT note FROM t WHERE id = ?", 2) == "two");
    CHECK_FALSE(c.fetch_value<std::optional<std::string>>("SELECT note FROM t WHERE id = 1"));
    CHECK_FALSE(c.fetch_value<std::optional<int>>("SELECT id FROM t WHERE id = 7"));
    try {
        (void)c.fetch_value<int>("SELECT id FROM t WHERE id = ?", 7);
        FAIL("no row must throw");
    } catch (const sqlite::error& e) {
        CHECK(e.primary_code() == SQLITE_NOTFOUND);
        CHECK(e.sql() == "SELECT id FROM t WHERE id = ?");
    }
}
