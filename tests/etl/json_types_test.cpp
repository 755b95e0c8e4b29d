// JSON types survive a trip through a database (issue 24): JSON Lines → SQLite or
// PostgreSQL → JSON Lines gives numbers back as numbers with their text (1.50, not "1.50"),
// booleans as booleans (not 1), nested values as JSON. The export knows a column's JSON type
// from its type: PostgreSQL's numeric, boolean and jsonb; in SQLite the declared types
// ucopy writes (BOOLEAN, DECIMAL_TEXT, JSON: jsonl_columns.hpp).
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::write_file;

namespace {

// In jsonl_writer's (and row_to_json's) layout, so the round trip compares byte for byte.
// p: numbers a double would change; ok: booleans; n: nested; big: an integer past 2^53
// with a decimal (numeric, never a double).
// e: numbers numeric would print otherwise (json in PostgreSQL).
const std::string typed_jsonl =
    "{\"p\":1.50,\"ok\":true,\"n\":{\"a\":1},\"big\":9007199254740993,\"e\":1e5}\n"
    "{\"p\":2,\"ok\":false,\"n\":[],\"big\":1.5,\"e\":-0}\n"
    "{\"p\":null,\"ok\":null,\"n\":null,\"big\":null,\"e\":null}\n";

}  // namespace

TEST_CASE("JSON Lines → SQLite → JSON Lines: numbers, booleans and nested values keep their type") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "in.jsonl", typed_jsonl);
    auto load = copy_table_and_report(dir / "in.jsonl", "sqlite:" + db + "?table=j");
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('j')") ==
          "DECIMAL_TEXT|BOOLEAN|JSON|DECIMAL_TEXT|DECIMAL_TEXT");
    // What SQL sees: booleans are 0 and 1, the numbers' text is kept.
    CHECK(sqlite_column(db, "SELECT quote(p) || ' ' || quote(ok) FROM j WHERE p IS NOT NULL") ==
          "'1.50' 1|'2' 0");
    auto dump = copy_table_and_report("sqlite:" + db + "?table=j", dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.jsonl") == typed_jsonl);
}

TEST_CASE(
    "JSON Lines → PostgreSQL → JSON Lines: numbers, booleans and nested values keep their type") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_json_types");
    write_file(dir / "in.jsonl", typed_jsonl);
    auto load = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_json_types"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(uio::testing::pg_column(
              "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
              "'etl_json_types'::regclass and attnum > 0 order by attnum") ==
          "numeric|boolean|jsonb|numeric|json");
    auto dump = copy_table_and_report(pg_uri("table=etl_json_types"), dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    // jsonb keeps the nested value's JSON, in its own layout (a space after ':' and ',').
    std::string expected = typed_jsonl;
    expected.replace(expected.find("{\"a\":1}"), 7, "{\"a\": 1}");
    CHECK(read_file(dir / "out.jsonl") == expected);
}

TEST_CASE(
    "JSON Lines → PostgreSQL: a number numeric would rewrite, past the sample, widens to json") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_json_late");
    std::string in;
    for (int k = 0; k < 100'000; ++k) in += "{\"v\":" + std::to_string(k) + ".50}\n";
    in += "{\"v\":1e5}\n";
    write_file(dir / "in.jsonl", in);
    auto load = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_json_late"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(uio::testing::pg_column("select format_type(atttypid, atttypmod) from pg_attribute "
                                  "where attrelid = 'etl_json_late'::regclass and attnum > 0") ==
          "json");
    REQUIRE(copy_table_and_report(pg_uri("table=etl_json_late"), dir / "out.jsonl").code == 0);
    CHECK(read_file(dir / "out.jsonl") == in);
}
