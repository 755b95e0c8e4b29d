// quote_identifier: hostile table and column names stay names.
#include "uio/db/sqlite/quote.hpp"

#include "test_support.hpp"
#include "uio/db/sqlite/database.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
namespace sqlite = uio::sqlite;

TEST_CASE("quote_identifier doubles quotes and rejects NUL and empty names") {
    CHECK(sqlite::quote_identifier("plain") == "\"plain\"");
    CHECK(sqlite::quote_identifier("a\"b") == "\"a\"\"b\"");
    CHECK(sqlite::quote_identifier("\"") == "\"\"\"\"");
    CHECK_THROWS_AS(sqlite::quote_identifier(std::string("a\0b", 3)), std::invalid_argument);
    CHECK_THROWS_AS(sqlite::quote_identifier(""), std::invalid_argument);
}

TEST_CASE("a hostile table name is created, filled and read as one name") {
    uio::run([&]() -> task<void> {
        auto db = co_await sqlite::database::open(":memory:");
        co_await db.execute("CREATE TABLE victim (x)");
        const std::string table = "t\"; DROP TABLE victim; --";
        const std::string column = "col \"quoted\", [b] `c` 'd' é";
        const std::string t = sqlite::quote_identifier(table);
        const std::string c = sqlite::quote_identifier(column);
        co_await db.execute("CREATE TABLE " + t + " (" + c + " TEXT)");
        co_await db.execute("INSERT INTO " + t + " (" + c + ") VALUES (?)", table);
        std::vector<std::string> columns = {column};
        auto inserter = co_await db.bulk_insert(table, columns, {.bulk_pragmas = false});
        co_await inserter.add(column);
        co_await inserter.commit();
        sqlite::rows r = co_await db.fetch("SELECT " + c + " FROM " + t + " ORDER BY rowid");
        REQUIRE(r.size() == 2);
        CHECK(r.columns()[0] == column);
        CHECK(r[0].get<std::string>(column) == table);
        CHECK(r[1].get<std::string>(0) == column);
        auto victims = co_await db.fetch_value<std::int64_t>(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'victim'");
        CHECK(victims == 1);
    }());
}
