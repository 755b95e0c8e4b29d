// Richer inferred types through the databases: a CSV whose columns infer numeric, boolean,
// date, timestamp and timestamptz loads into PostgreSQL with those types and into SQLite as
// TEXT, and exports back byte for byte — whatever the server's TimeZone and DateStyle.
// --schema still overrides.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_types;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::write_file;

namespace {

// Every column in the form PostgreSQL prints, NULLs and a value per edge: scale kept
// (1.50, 100.000), past 64 bits, leap day, microseconds, the first year. `zip` and `word`
// look like numbers and booleans but are not in the printed forms: they stay text.
const std::string typed_csv =
    "id,amount,big,ok,day,at,atz,zip,word\n"
    "1,1.50,12345678901234567890,t,2024-03-10,2024-03-10 01:30:00,2024-03-10 01:30:00+00,"
    "02134,true\n"
    "2,-0.25,1,f,1999-12-31,1999-12-31 23:59:59.999999,2000-01-01 00:00:00.5+00,10001,false\n"
    "3,,,,,,,,\n"
    "4,100.000,-7,t,0001-01-01,2024-02-29 12:00:00.25,1970-01-01 00:00:00+00,00501,\"\"\n";

// Runs `body` with environment variable `name` set to `value`, then as it was.
template <class F>
void with_env(const char* name, const char* value, F body) {
    const char* was = std::getenv(name);
    std::string saved = was ? was : "";
    ::setenv(name, value, 1);
    try {
        body();
    } catch (...) {
        was ? ::setenv(name, saved.c_str(), 1) : ::unsetenv(name);
        throw;
    }
    was ? ::setenv(name, saved.c_str(), 1) : ::unsetenv(name);
}

}  // namespace

TEST_CASE("CSV → SQLite → CSV: the richer kinds are TEXT, kept as written") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "in.csv", typed_csv);
    auto load = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t");
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") ==
          "INTEGER|TEXT|TEXT|TEXT|TEXT|TEXT|TEXT|TEXT|TEXT");
    CHECK(sqlite_column(db, "SELECT typeof(amount) || ' ' || quote(amount) FROM t WHERE id = 1") ==
          "text '1.50'");
    auto dump = copy_table_and_report("sqlite:" + db + "?table=t", dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == typed_csv);
}

TEST_CASE("CSV → PostgreSQL → CSV: numeric, boolean, date, timestamp, timestamptz inferred") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_typed");
    write_file(dir / "in.csv", typed_csv);
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_typed"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_typed") ==
          "bigint|numeric|numeric|boolean|date|timestamp without time zone|"
          "timestamp with time zone|text|text");
    // Typed values, not text: arithmetic and comparisons work on them.
    CHECK(pg_column("select amount * 2 from etl_typed where id = 1") == "3.00");
    CHECK(pg_column("select count(*) from etl_typed where ok") == "2");
    CHECK(pg_column("select day + 1 from etl_typed where id = 2") == "2000-01-01");
    CHECK(pg_column("select extract(epoch from atz) from etl_typed where id = 4") == "0.000000");
    auto dump = copy_table_and_report(pg_uri("table=etl_typed"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == typed_csv);

    // PostgreSQL → SQLite → CSV: the same bytes again (SQLite keeps the text COPY sent).
    std::string db = dir / "db.sqlite";
    REQUIRE(copy_table_and_report(pg_uri("table=etl_typed"), "sqlite:" + db + "?table=t").code ==
            0);
    REQUIRE(copy_table_and_report("sqlite:" + db + "?table=t", dir / "via_sqlite.csv").code == 0);
    CHECK(read_file(dir / "via_sqlite.csv") == typed_csv);
}

TEST_CASE("PostgreSQL exports in UTC and ISO whatever the server's settings, unless asked") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    // A database of its own whose defaults are far from UTC and ISO (source 'database', not
    // 'client'), so that no other test sees them.
    pg_exec("drop database if exists etl_types_tz");
    pg_exec("create database etl_types_tz");
    pg_exec("alter database etl_types_tz set timezone to 'Asia/Tokyo'");
    pg_exec("alter database etl_types_tz set datestyle to 'SQL, DMY'");
    REQUIRE(pg_column("select current_setting('TimeZone') || ' ' || current_setting('DateStyle')",
                      "dbname=etl_types_tz") == "Asia/Tokyo SQL, DMY");
    auto uri = [](const std::string& params) { return "postgresql:///etl_types_tz?" + params; };
    write_file(dir / "in.csv", typed_csv);
    auto load = copy_table_and_report(dir / "in.csv", uri("table=t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    auto dump = copy_table_and_report(uri("table=t"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == typed_csv);
    REQUIRE(copy_table_and_report(uri("table=t"), dir / "out.jsonl").code == 0);
    CHECK(read_file(dir / "out.jsonl").find("\"atz\":\"2024-03-10T01:30:00+00:00\"") !=
          std::string::npos);
    // PGTZ is the client's choice: kept, +09 in Tokyo.
    with_env("PGTZ", "Asia/Tokyo", [&] {
        auto tokyo =
            copy_table_and_report(uri("query=select atz from t where id = 1"), dir / "tokyo.csv");
        INFO(tokyo.err);
        REQUIRE(tokyo.code == 0);
    });
    CHECK(read_file(dir / "tokyo.csv") == "atz\n2024-03-10 10:30:00+09\n");
    pg_exec("drop database etl_types_tz");
}

TEST_CASE("an explicit --schema overrides the richer inferred types") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_typed_schema");
    write_file(dir / "in.csv", typed_csv);
    uio::etl::table_copy_options o;
    o.schema = "amount double precision, ok text, day text, atz timestamp";
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_typed_schema"), o);
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_typed_schema") ==
          "bigint|double precision|numeric|text|text|timestamp without time zone|"
          "timestamp without time zone|text|text");
    // The user asked for a double: 1.50 reads as 1.5.
    CHECK(pg_column("select amount from etl_typed_schema where id = 1") == "1.5");

    std::string db = dir / "db.sqlite";
    o.schema = "amount REAL, day DATE";
    REQUIRE(copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t", o).code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") ==
          "INTEGER|REAL|TEXT|TEXT|DATE|TEXT|TEXT|TEXT|TEXT");
    CHECK(sqlite_column(db, "SELECT quote(amount) FROM t WHERE id = 1") == "1.5");
}

TEST_CASE("JSON Lines → PostgreSQL → JSON Lines: date and time strings typed, kept exactly") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_typed_j");
    // row_to_json's layout and forms; `late` is a date column until its last value.
    std::string in;
    for (int k = 1; k <= 50'000; ++k) {
        in += "{\"id\":" + std::to_string(k) +
              ",\"day\":\"2024-03-10\",\"at\":\"2024-03-10T01:30:00.5\","
              "\"atz\":\"2024-03-10T01:30:00+00:00\",\"spaced\":\"2024-03-10 01:30:00\","
              "\"late\":\"1999-12-31\"}\n";
    }
    in +=
        "{\"id\":50001,\"day\":null,\"at\":\"0001-01-01T00:00:00\",\"atz\":null,"
        "\"spaced\":\"x\",\"late\":\"not a date\"}\n";
    write_file(dir / "in.jsonl", in);
    auto load = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_typed_j"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_typed_j") ==
          "bigint|date|timestamp without time zone|timestamp with time zone|text|text");
    auto dump = copy_table_and_report(pg_uri("table=etl_typed_j"), dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.jsonl") == in);
}
