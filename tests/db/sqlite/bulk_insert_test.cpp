// bulk_inserter: a million rows in one transaction; a bad row undoes the whole load.
#include "uio/db/sqlite/bulk_insert.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/sqlite/database.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
namespace sqlite = uio::sqlite;

// No ";" in test names: ctest would cut the name there and run nothing.
TEST_CASE("bulk insert of 1,000,000 rows in one transaction, counts and sums match") {
    uio::testing::temp_dir dir;
    constexpr std::int64_t n = 1'000'000;
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(dir / "bulk.db");
        co_await db.execute(
            "CREATE TABLE sales (id INTEGER PRIMARY KEY, region TEXT, amount REAL, note TEXT)");
        const auto start = std::chrono::steady_clock::now();
        // Named: g++ 12 miscompiles a braced list of string literals inside a co_await.
        std::vector<std::string> columns = {"id", "region", "amount", "note"};
        auto load = co_await db.bulk_insert("sales", columns);
        static const char* regions[] = {"north", "south", "east", "west"};
        for (std::int64_t i = 0; i < n; ++i) {
            std::optional<std::string_view> note;
            if (i % 10 == 0) note = "tenth";
            co_await load.add(i, regions[i % 4], static_cast<double>(i) * 0.5, note);
        }
        std::int64_t inserted = co_await load.commit();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("bulk insert: %lld rows in %.3f s = %.0f rows/s\n",
                    static_cast<long long>(inserted), seconds,
                    static_cast<double>(inserted) / seconds);
        CHECK(inserted == n);
        auto count = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM sales");
        CHECK(count == n);
        auto sum = co_await db.fetch_value<std::int64_t>("SELECT sum(id) FROM sales");
        CHECK(sum == n * (n - 1) / 2);
        auto notes = co_await db.fetch_value<std::int64_t>("SELECT count(note) FROM sales");
        CHECK(notes == n / 10);
        // The bulk settings leave the rollback journal alone (each new page written once).
        auto mode = co_await db.fetch_value<std::string>("PRAGMA journal_mode");
        CHECK(mode == "delete");
    }());
}

TEST_CASE("a bulk insert that fails midway leaves the table as it was") {
    uio::testing::temp_dir dir;
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(dir / "fail.db");
        co_await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        co_await db.execute("INSERT INTO t VALUES (-1, 'existing')");
        int code = 0;
        std::string message;
        std::int64_t added = 0;
        try {
            std::vector<std::string> columns = {"id", "v"};
            auto load = co_await db.bulk_insert("t", columns, {.batch_rows = 100});
            for (std::int64_t i = 0; i < 10'000; ++i) {
                co_await load.add(i == 5'000 ? 4'999 : i, "row");  // duplicate key at row 5000
                ++added;
            }
            co_await load.commit();
        } catch (const sqlite::error& e) {
            code = e.extended_code();
            message = e.what();
        }
        CHECK(code == SQLITE_CONSTRAINT_PRIMARYKEY);
        CHECK_THAT(message, Catch::Contains("row 5000"));
        CHECK(added < 10'000);  // reported from an add(), before the input ran out
        auto count = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(count == 1);
        // The database is usable afterwards, and the failed load's hold is gone.
        co_await db.execute("INSERT INTO t VALUES (1, 'after')");
        auto after = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(after == 2);
    }());
}

TEST_CASE("a bulk insert dropped without commit is rolled back, others wait for it") {
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(":memory:");
        co_await db.execute("CREATE TABLE t (x INTEGER)");
        std::int64_t seen_by_other = -1;
        auto loader = [&]() -> task<void> {
            std::vector<std::string> columns = {"x"};
            auto load = co_await db.bulk_insert("t", columns, {.batch_rows = 10});
            for (int i = 0; i < 1000; ++i) co_await load.add(i);
            // Dropped here without commit.
        };
        auto other = [&]() -> task<void> {
            seen_by_other = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        };
        co_await uio::when_all(loader(), other());
        CHECK(seen_by_other == 0);  // never sees the uncommitted rows
        auto count = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(count == 0);
    }());
}

TEST_CASE("bulk insert errors: unknown table, wrong row width") {
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(":memory:");
        co_await db.execute("CREATE TABLE t (a, b)");
        bool unknown = false;
        try {
            std::vector<std::string> columns = {"a"};
            auto load = co_await db.bulk_insert("nope", columns);
        } catch (const sqlite::error& e) {
            unknown = e.extended_code() == SQLITE_ERROR;
            CHECK_THAT(e.message(), Catch::Contains("no such table"));
        }
        CHECK(unknown);
        std::vector<std::string> columns = {"a", "b"};
        auto load = co_await db.bulk_insert("t", columns);
        CHECK_THROWS_AS(load.add(1), sqlite::error);
        co_await load.add(1, 2);
        std::vector<sqlite::value> row = {sqlite::value(3), sqlite::null};
        co_await load.add_row(row);
        auto n = co_await load.commit();
        CHECK(n == 2);
    }());
}

TEST_CASE("bulk insert of text rows: affinity converts, NULL and empty differ, batches reused") {
    uio::testing::temp_dir dir;
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(dir / "text.db");
        co_await db.execute("CREATE TABLE t (id INTEGER, amount NUMERIC, note TEXT, raw)");
        std::vector<std::string> columns = {"id", "amount", "note", "raw"};
        // Small batches: the two batches' buffers are reused many times over.
        auto load = co_await db.bulk_insert("t", columns, {.batch_rows = 7});
        constexpr int n = 1000;
        std::vector<std::optional<std::string_view>> row(4);
        for (int i = 0; i < n; ++i) {
            std::string id = std::to_string(i);
            std::string amount = std::to_string(i) + ".50";
            std::string note(static_cast<std::size_t>(i % 40), static_cast<char>('a' + i % 26));
            row[0] = id;
            row[1] = amount;
            row[2] = i % 3 == 0 ? std::optional<std::string_view>() : std::string_view(note);
            row[3] = std::string_view(id);
            co_await load.add_row(std::span<const std::optional<std::string_view>>(row));
        }
        std::int64_t inserted = co_await load.commit();
        CHECK(inserted == n);
        auto types = co_await db.fetch(
            "SELECT typeof(id), typeof(amount), typeof(note), typeof(raw) FROM t WHERE id = 5");
        CHECK(types[0].get<std::string>(0) == "integer");
        CHECK(types[0].get<std::string>(1) == "real");
        CHECK(types[0].get<std::string>(2) == "text");
        CHECK(types[0].get<std::string>(3) == "text");  // no affinity: stays text
        auto sums = co_await db.fetch(
            "SELECT sum(id), sum(amount), count(note), sum(length(note)), "
            "sum(note IS NOT NULL AND note = '') FROM t");
        std::int64_t expected_length = 0, expected_empty = 0, expected_count = 0;
        for (int i = 0; i < n; ++i) {
            if (i % 3 == 0) continue;
            ++expected_count;
            expected_length += i % 40;
            if (i % 40 == 0) ++expected_empty;
        }
        CHECK(sums[0].get<std::int64_t>(0) == std::int64_t(n) * (n - 1) / 2);
        CHECK(sums[0].get<double>(1) == Approx(double(n) * (n - 1) / 2 + 0.5 * n));
        CHECK(sums[0].get<std::int64_t>(2) == expected_count);
        CHECK(sums[0].get<std::int64_t>(3) == expected_length);
        CHECK(sums[0].get<std::int64_t>(4) == expected_empty);  // empty text is not NULL
        auto row_500 = co_await db.fetch("SELECT note FROM t WHERE id = 500");
        CHECK(row_500[0].get<std::string>(0) ==
              std::string(500 % 40, static_cast<char>('a' + 500 % 26)));
    }());
}

TEST_CASE("bulk insert keeps a rollback journal and restores the page cache size") {
    uio::testing::temp_dir dir;
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(dir / "journal.db");
        co_await db.execute("CREATE TABLE t (x INTEGER)");
        auto cache_before = co_await db.fetch_value<std::int64_t>("PRAGMA cache_size");
        std::vector<std::string> columns = {"x"};
        auto load = co_await db.bulk_insert("t", columns);
        for (int i = 0; i < 100; ++i) co_await load.add(i);
        co_await load.commit();
        // WAL would write each page twice; a fresh load with a rollback journal writes once.
        auto mode = co_await db.fetch_value<std::string>("PRAGMA journal_mode");
        CHECK(mode == "delete");
        auto cache_after = co_await db.fetch_value<std::int64_t>("PRAGMA cache_size");
        CHECK(cache_after == cache_before);
        // And after a failed load too.
        try {
            auto bad = co_await db.bulk_insert("t", columns);
            co_await bad.add("x", 1);  // wrong width: throws before anything is sent
        } catch (const sqlite::error&) {
        }
        auto cache_failed = co_await db.fetch_value<std::int64_t>("PRAGMA cache_size");
        CHECK(cache_failed == cache_before);
        auto count = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(count == 100);
    }());
}

TEST_CASE("multi-row inserts: an error mid-group names its row, OR IGNORE skips exactly") {
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(":memory:");
        co_await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        std::vector<std::string> columns = {"id", "v"};
        int code = 0;
        std::string message;
        try {
            // Groups of 32 rows: row 517 is the 6th of the group starting at 512.
            auto load = co_await db.bulk_insert("t", columns, {.batch_rows = 1000});
            for (int i = 0; i < 1000; ++i) {
                std::optional<std::string> v;
                if (i != 517) v = "v" + std::to_string(i);
                co_await load.add(i, v);
            }
            co_await load.commit();
        } catch (const sqlite::error& e) {
            code = e.extended_code();
            message = e.what();
        }
        CHECK(code == SQLITE_CONSTRAINT_NOTNULL);
        CHECK_THAT(message, Catch::Contains("row 517:"));
        auto none = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(none == 0);

        auto ignoring =
            co_await db.bulk_insert("t", columns, {.batch_rows = 100, .verb = "INSERT OR IGNORE"});
        for (int i = 0; i < 1000; ++i) co_await ignoring.add(i % 700, "x");
        std::int64_t added = co_await ignoring.commit();
        CHECK(added == 1000);  // rows handed in
        auto count = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(count == 700);
        auto sum = co_await db.fetch_value<std::int64_t>("SELECT sum(id) FROM t");
        CHECK(sum == 699 * 700 / 2);
    }());
}
