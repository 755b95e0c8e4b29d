// sqlite::database: values round trip exactly, failures roll back, many tasks share one
// database, and the worker thread ends with the database.
#include "uio/db/sqlite/database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
namespace sqlite = uio::sqlite;
using namespace std::string_literals;

namespace {

int thread_count() {
    int n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

// The thread count once it has come down to `expected` (or after 5 s, whatever it is then).
// pthread_join returns when the kernel clears the thread's tid, a moment before its entry
// leaves /proc/self/task: counting at once can still see a joined thread.
int thread_count_settled(int expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int n = thread_count();
    while (n > expected && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
        n = thread_count();
    }
    return n;
}

}  // namespace

TEST_CASE("every SQLite type round trips exactly through bound parameters") {
    uio::testing::temp_dir dir;
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(dir / "types.db");
        co_await db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v)");
        const std::string text_with_nul =
            "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"s + '\0' + "after";
        const sqlite::blob bytes = {std::byte{0}, std::byte{0xff}, std::byte{0x7f}, std::byte{0}};
        const double third = 1.0 / 3.0;
        const double tiny = std::numeric_limits<double>::denorm_min();
        std::vector<sqlite::value> values = {
            sqlite::null,
            sqlite::value(std::numeric_limits<std::int64_t>::min()),
            sqlite::value(std::numeric_limits<std::int64_t>::max()),
            sqlite::value(third),
            sqlite::value(tiny),
            sqlite::value(-0.0),
            sqlite::value(text_with_nul),
            sqlite::value(std::string()),
            sqlite::value(bytes),
            sqlite::value(sqlite::blob{}),
        };
        for (std::size_t i = 0; i < values.size(); ++i) {
            co_await db.execute("INSERT INTO t (k, v) VALUES (?, ?)", i, values[i]);
        }
        sqlite::rows r = co_await db.fetch("SELECT v, typeof(v) FROM t ORDER BY k");
        REQUIRE(r.size() == values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            INFO("row " << i);
            CHECK(r[i][0] == values[i]);
        }
        CHECK(r[0][0].is_null());
        CHECK(r[0].get<std::optional<std::string>>(0) == std::nullopt);
        CHECK(r[1].get<std::int64_t>(0) == std::numeric_limits<std::int64_t>::min());
        CHECK(r[2].get<std::int64_t>("v") == std::numeric_limits<std::int64_t>::max());
        CHECK(r[3].get<double>(0) == third);  // bit-exact, not approximately
        CHECK(r[4].get<double>(0) == tiny);
        CHECK(std::signbit(r[5].get<double>(0)));
        CHECK(r[6].get<std::string>(0) == text_with_nul);
        CHECK(r[6].get<std::string>(0).size() == text_with_nul.size());
        // Empty string and NULL stay distinct; so do the empty blob and NULL.
        CHECK(r[7].get<std::optional<std::string>>(0) == std::optional<std::string>(""));
        CHECK(r[7].get<std::string>(1) == "text");
        CHECK(r[0].get<std::string>(1) == "null");
        CHECK(r[8].get<sqlite::blob>(0) == bytes);
        CHECK(r[9].get<std::string>(1) == "blob");
        CHECK(r[9].get<sqlite::blob>(0).empty());
        // Strict reads: wrong types and NULLs throw, naming the column.
        CHECK_THROWS_WITH(r[0].get<std::int64_t>(0),
                          Catch::Contains("column 0 ('v')") && Catch::Contains("std::optional"));
        CHECK_THROWS_AS(r[6].get<std::int64_t>(0), sqlite::error);
        CHECK_THROWS_AS(r[2].get<std::int32_t>(0), sqlite::error);  // out of range
        // Optional parameters bind NULL when empty.
        std::optional<int> none;
        co_await db.execute("INSERT INTO t (k, v) VALUES (100, ?)", none);
        auto is_null =
            co_await db.fetch_value<std::int64_t>("SELECT v IS NULL FROM t WHERE k = 100");
        CHECK(is_null == 1);
        auto missing =
            co_await db.fetch_value<std::optional<std::int64_t>>("SELECT v FROM t WHERE k = 12345");
        CHECK(!missing.has_value());
    }());
}

TEST_CASE("errors carry the extended code, SQLite's message and the SQL") {
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(":memory:");
        co_await db.execute("CREATE TABLE u (name TEXT UNIQUE NOT NULL)");
        co_await db.execute("INSERT INTO u VALUES (?)", "ann");
        bool caught = false;
        try {
            co_await db.execute("INSERT INTO u VALUES (?)", "ann");
        } catch (const sqlite::error& e) {
            caught = true;
            CHECK(e.extended_code() == SQLITE_CONSTRAINT_UNIQUE);
            CHECK(e.primary_code() == SQLITE_CONSTRAINT);
            CHECK(e.code().category() == sqlite::category());
            CHECK(e.message() == "UNIQUE constraint failed: u.name");
            CHECK(e.sql() == "INSERT INTO u VALUES (?)");
            CHECK_THAT(e.what(), Catch::Contains("SQLITE_CONSTRAINT_UNIQUE"));
        }
        CHECK(caught);
        caught = false;
        try {
            co_await db.execute("INSERT INTO u VALUES (NULL)");
        } catch (const std::system_error& e) {  // catchable as any system_error
            caught = e.code().value() == SQLITE_CONSTRAINT_NOTNULL;
        }
        CHECK(caught);
        caught = false;
        try {
            co_await db.fetch("SELEC 1");
        } catch (const sqlite::error& e) {
            caught = e.extended_code() == SQLITE_ERROR && e.sql() == "SELEC 1";
            CHECK_THAT(e.message(), Catch::Contains("syntax error"));
        }
        CHECK(caught);
        caught = false;
        try {
            co_await db.execute("INSERT INTO u VALUES (?)", "a", "b");
        } catch (const sqlite::error& e) {
            caught = e.extended_code() == SQLITE_RANGE;
        }
        CHECK(caught);
    }());
}

TEST_CASE("opening a file that cannot be opened fails with SQLITE_CANTOPEN") {
    uio::testing::temp_dir dir;
    uio::run([&]() -> task<void> {
        bool caught = false;
        try {
            co_await sqlite::database::open(dir / "missing/dir/x.db");
        } catch (const sqlite::error& e) {
            caught = e.primary_code() == SQLITE_CANTOPEN;
            CHECK_THAT(e.what(), Catch::Contains("missing/dir/x.db"));
        }
        CHECK(caught);
        caught = false;
        try {
            co_await sqlite::database::open(dir / "absent.db", {.create = false});
        } catch (const sqlite::error& e) {
            caught = e.primary_code() == SQLITE_CANTOPEN;
        }
        CHECK(caught);
    }());
}

TEST_CASE("open_blocking opens and sets up outside a coroutine, or throws and leaves no thread") {
    uio::testing::temp_dir dir;
    const int threads_before = thread_count();
    sqlite::database db = sqlite::database::open_blocking(
        dir / "setup.db", {.wal = true}, [](sqlite::blocking_connection& c) {
            c.execute("PRAGMA synchronous = NORMAL; CREATE TABLE t (x INTEGER)");
        });
    uio::run([&]() -> task<void> {
        co_await db.execute("INSERT INTO t VALUES (?)", 7);
        auto x = co_await db.fetch_value<std::int64_t>("SELECT x FROM t");
        CHECK(x == 7);
        auto mode = co_await db.fetch_value<std::string>("PRAGMA journal_mode");
        CHECK(mode == "wal");
        auto synchronous = co_await db.fetch_value<std::int64_t>("PRAGMA synchronous");
        CHECK(synchronous == 1);  // NORMAL: set up on the connection the requests use
    }());

    CHECK_THROWS_AS(sqlite::database::open_blocking(dir / "missing/dir/x.db"), sqlite::error);
    CHECK_THROWS_WITH(
        sqlite::database::open_blocking(
            dir / "bad.db", {}, [](sqlite::blocking_connection& c) { c.execute("NOT SQL"); }),
        Catch::Contains("NOT SQL"));
    CHECK(thread_count_settled(threads_before + 1) == threads_before + 1);  // `db`'s worker
}

TEST_CASE("a hundred tasks share one database and each resumes on its loop thread") {
    uio::testing::temp_dir dir;
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(dir / "shared.db");
        co_await db.execute("CREATE TABLE hits (task INTEGER, n INTEGER)");
        const auto loop_thread = std::this_thread::get_id();
        int wrong_thread = 0;
        auto one = [&](int id) -> task<std::int64_t> {
            for (int n = 0; n < 10; ++n) {
                co_await db.execute("INSERT INTO hits VALUES (?, ?)", id, n);
                if (std::this_thread::get_id() != loop_thread) ++wrong_thread;
            }
            co_return co_await db.fetch_value<std::int64_t>(
                "SELECT count(*) FROM hits WHERE task = ?", id);
        };
        std::vector<task<std::int64_t>> tasks;
        for (int i = 0; i < 100; ++i) tasks.push_back(one(i));
        std::vector<std::int64_t> counts = co_await uio::when_all(std::move(tasks));
        CHECK(wrong_thread == 0);
        for (std::int64_t c : counts) CHECK(c == 10);
        auto total = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM hits");
        CHECK(total == 1000);
        // Requests of one task run in order: each task's n column is 0..9 in insert order.
        auto out_of_order = co_await db.fetch_value<std::int64_t>(
            "SELECT count(*) FROM hits a JOIN hits b ON a.task = b.task "
            "AND a.rowid < b.rowid AND a.n > b.n");
        CHECK(out_of_order == 0);
    }());
}

TEST_CASE("two loop threads share one database") {
    uio::testing::temp_dir dir;
    std::optional<sqlite::database> db;
    uio::run([&]() -> task<void> {
        db.emplace(co_await sqlite::database::open(dir / "two.db"));
        co_await db->execute("CREATE TABLE t (x INTEGER)");
    }());
    auto work = [&](int base) {
        uio::run([&]() -> task<void> {
            for (int i = 0; i < 200; ++i)
                co_await db->execute("INSERT INTO t VALUES (?)", base + i);
        }());
    };
    std::thread a(work, 0), b(work, 1000);
    a.join();
    b.join();
    auto total = uio::run([&]() -> task<std::int64_t> {
        co_return co_await db->fetch_value<std::int64_t>("SELECT count(*) FROM t");
    }());
    CHECK(total == 400);
    db.reset();
}

TEST_CASE("the worker thread is joined when the database is destroyed or closed") {
    uio::run([&]() -> task<void> {
        // Warm up once: sanitizers start helper threads of their own on first use.
        { auto warm = co_await sqlite::database::open(":memory:"); }
        const int before = thread_count();
        {
            auto db = co_await sqlite::database::open(":memory:");
            CHECK(thread_count() == before + 1);
            co_await db.execute("CREATE TABLE t (x)");
        }
        CHECK(thread_count_settled(before) == before);
        auto db = co_await sqlite::database::open(":memory:");
        co_await db.close();
        CHECK(!db.is_open());
        CHECK(thread_count_settled(before) == before);
    }());
}

TEST_CASE("prepared statements are cached per SQL text") {
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(":memory:", {.statement_cache = 4});
        co_await db.execute("CREATE TABLE t (x)");
        for (int i = 0; i < 50; ++i) co_await db.execute("INSERT INTO t VALUES (?)", i);
        auto hits =
            co_await db.run([](sqlite::blocking_connection& c) { return c.cache().hits(); });
        CHECK(hits >= 49);
        // Several statements at once work without parameters (schema scripts).
        co_await db.execute("CREATE TABLE a (x); CREATE TABLE b (y); -- done");
        auto tables = co_await db.fetch_value<std::int64_t>(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
        CHECK(tables == 3);
    }());
}
