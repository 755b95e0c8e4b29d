// row_insert, driven directly on a connection (as the worker drives it): the statements it
// builds, group sizes within SQLite's parameter limit, rows in order across whole groups and
// the remainder, a failure naming its exact row with the rows before it kept, a lost
// transaction reported as such, and bindings cleared afterwards.
#include "uio/db/sqlite/row_insert.hpp"

#include <sqlite3.h>

#include <string>
#include <vector>

#include "memory_connection.hpp"
#include "test_support.hpp"
#include "uio/db/sqlite/error.hpp"

namespace sqlite = uio::sqlite;
using sqlite::packed_rows;
using sqlite::row_insert;
using sqlite_test::open_memory;

namespace {

// `count` rows (id, "v<id>"); the row at `null_at` gets a NULL v.
packed_rows id_value_rows(int count, int null_at = -1) {
    packed_rows rows;
    for (int i = 0; i < count; ++i) {
        rows.push_integer(i);
        if (i == null_at) {
            rows.push_null();
        } else {
            rows.push_text("v" + std::to_string(i));
        }
    }
    return rows;
}

std::int64_t count_rows(sqlite::blocking_connection& c, const std::string& table = "t") {
    return c.fetch("SELECT count(*) FROM " + table)[0].get<std::int64_t>(0);
}

std::vector<std::string> column_names(std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back("c" + std::to_string(i));
    return out;
}

}  // namespace

TEST_CASE("the one-row INSERT quotes the table and every column") {
    row_insert ins("INSERT OR IGNORE", "we\"ird table", {"id", "na\"me", "select"}, 1);
    CHECK(ins.sql() ==
          "INSERT OR IGNORE INTO \"we\"\"ird table\" (\"id\", \"na\"\"me\", \"select\") "
          "VALUES (?, ?, ?)");
    CHECK(ins.width() == 3);
    CHECK(ins.group_rows() == 1);
}

TEST_CASE("groups: only for verbs whose failure undoes just the statement, at most 999 params") {
    const auto two = column_names(2);
    CHECK(row_insert("INSERT", "t", two, 32).group_rows() == 32);
    CHECK(row_insert("INSERT OR ABORT", "t", two, 32).group_rows() == 32);
    CHECK(row_insert("INSERT OR IGNORE", "t", two, 32).group_rows() == 32);
    CHECK(row_insert("INSERT OR REPLACE", "t", two, 32).group_rows() == 32);
    CHECK(row_insert("REPLACE", "t", two, 32).group_rows() == 32);
    // FAIL keeps the rows a failed statement already made; ROLLBACK ends the transaction.
    CHECK(row_insert("INSERT OR FAIL", "t", two, 32).group_rows() == 1);
    CHECK(row_insert("INSERT OR ROLLBACK", "t", two, 32).group_rows() == 1);
    CHECK(row_insert("INSERT", "t", two, 1).group_rows() == 1);
    CHECK(row_insert("INSERT", "t", column_names(100), 32).group_rows() == 9);  // 900 params
    CHECK(row_insert("INSERT", "t", column_names(999), 32).group_rows() == 1);
    CHECK(row_insert("INSERT", "t", column_names(1000), 32).group_rows() == 1);
    CHECK(row_insert("INSERT", "t", column_names(500), 32).group_rows() == 1);  // 2 would be 1000
}

TEST_CASE("a table with no columns is refused, naming the table") {
    int code = 0;
    std::string message;
    try {
        row_insert ins("INSERT", "empty", {}, 32);
    } catch (const sqlite::error& e) {
        code = e.extended_code();
        message = e.what();
    }
    CHECK(code == SQLITE_MISUSE);
    CHECK_THAT(message, Catch::Contains("'empty'") && Catch::Contains("no columns"));
}

TEST_CASE("every row goes in, in order, through whole groups and then the remainder") {
    auto c = open_memory();
    for (int count : {0, 1, 31, 32, 70}) {
        INFO(count << " rows");
        c.execute("DROP TABLE IF EXISTS t; CREATE TABLE t (id INTEGER, v TEXT NOT NULL)");
        row_insert ins("INSERT", "t", {"id", "v"}, 32);
        const packed_rows rows = id_value_rows(count);
        c.execute("BEGIN");
        CHECK_FALSE(ins.insert(c, rows));
        c.execute("COMMIT");
        CHECK(count_rows(c) == count);
        // In order: the n-th row inserted (rowid n) is row n - 1 of the batch.
        auto r = c.fetch("SELECT count(*) FROM t WHERE rowid = id + 1 AND v = 'v' || id");
        CHECK(r[0].get<std::int64_t>(0) == count);
    }
    // The same through one-row statements only, and with several value types.
    c.execute("CREATE TABLE m (a, b, c)");
    row_insert ins("INSERT", "m", {"a", "b", "c"}, 1);
    packed_rows rows;
    for (int i = 0; i < 5; ++i) {
        rows.push_integer(i);
        rows.push_real(i + 0.5);
        rows.push_null();
    }
    CHECK_FALSE(ins.insert(c, rows));
    auto r = c.fetch("SELECT sum(a), sum(b), count(c), typeof(b) FROM m");
    CHECK(r[0].get<std::int64_t>(0) == 10);
    CHECK(r[0].get<double>(1) == 12.5);
    CHECK(r[0].get<std::int64_t>(2) == 0);
    CHECK(r[0].get<std::string>(3) == "real");
}

TEST_CASE("a failure names its exact row, keeps the rows before it, and the transaction lives") {
    // Row 40: in the second group of 32 (rows 32..63), which then goes one row at a time.
    // Row 67: in the remainder after two whole groups. Row 3: inside the first group.
    for (int bad : {3, 40, 67}) {
        INFO("NULL at row " << bad);
        auto c = open_memory();
        c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        row_insert ins("INSERT", "t", {"id", "v"}, 32);
        c.execute("BEGIN");
        auto failure = ins.insert(c, id_value_rows(70, bad));
        REQUIRE(failure);
        CHECK(failure->row == static_cast<std::size_t>(bad));
        CHECK(failure->code == SQLITE_CONSTRAINT_NOTNULL);
        CHECK_THAT(failure->message, Catch::Contains("NOT NULL constraint failed: t.v"));
        CHECK_FALSE(failure->transaction_lost);
        CHECK(c.in_transaction());
        CHECK(count_rows(c) == bad);  // exactly the rows before it
        auto max_id = c.fetch("SELECT max(id) FROM t")[0].get<std::optional<std::int64_t>>(0);
        CHECK(max_id == (bad ? std::optional<std::int64_t>(bad - 1) : std::nullopt));
        c.execute("ROLLBACK");
    }
}

TEST_CASE("a verb that rolls the transaction back reports the transaction as lost") {
    auto c = open_memory();
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    c.execute("INSERT INTO t VALUES (1000, 'before')");
    c.execute("BEGIN");
    c.execute("INSERT INTO t VALUES (1001, 'inside')");
    row_insert ins("INSERT OR ROLLBACK", "t", {"id", "v"}, 32);
    auto failure = ins.insert(c, id_value_rows(10, 6));
    REQUIRE(failure);
    CHECK(failure->row == 6);
    CHECK(failure->transaction_lost);
    CHECK_FALSE(c.in_transaction());
    CHECK(count_rows(c) == 1);  // only what was committed before the load
}

TEST_CASE("OR IGNORE skips the conflicting rows inside groups and keeps the rest") {
    auto c = open_memory();
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    c.execute("INSERT INTO t VALUES (5, 'old'), (50, 'old')");
    row_insert ins("INSERT OR IGNORE", "t", {"id", "v"}, 32);
    c.execute("BEGIN");
    CHECK_FALSE(ins.insert(c, id_value_rows(70)));
    c.execute("COMMIT");
    CHECK(count_rows(c) == 70);
    auto kept = c.fetch("SELECT v FROM t WHERE id IN (5, 50) ORDER BY id");
    CHECK(kept[0].get<std::string>(0) == "old");
    CHECK(kept[1].get<std::string>(0) == "old");
}

TEST_CASE("the statements go back to the cache with their bindings cleared") {
    auto c = open_memory();
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    row_insert ins("INSERT", "t", {"id", "v"}, 4);
    c.execute("BEGIN");
    {
        packed_rows rows = id_value_rows(6);  // one group of 4, then two single rows
        CHECK_FALSE(ins.insert(c, rows));
    }  // the rows the bindings pointed into are gone
    c.execute("COMMIT");
    const std::string group_sql =
        "INSERT INTO \"t\" (\"id\", \"v\") VALUES (?, ?), (?, ?), (?, ?), (?, ?)";
    for (const std::string& sql : {ins.sql(), group_sql}) {
        INFO(sql);
        const auto hits = c.cache().hits();
        sqlite::statement_lease lease = c.prepare(sql);
        CHECK(c.cache().hits() == hits + 1);  // the very statement insert() used
        char* expanded = sqlite3_expanded_sql(lease->handle());
        REQUIRE(expanded != nullptr);
        std::string text = expanded;
        sqlite3_free(expanded);
        CHECK_THAT(text, !Catch::Contains("'v"));  // no value left bound
        CHECK_THAT(text, Catch::Contains("(NULL, NULL)"));
    }
}
