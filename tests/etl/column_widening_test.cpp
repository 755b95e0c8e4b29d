// Inference that cannot refuse valid input: a table ucopy creates takes its column types from
// a sample, and a later value that does not fit widens its column instead of failing the
// load (README, "ucopy: copying tables"). Each test exports the table back (or selects it)
// and compares: every value must come back exactly as it went in. Declared types — --schema,
// a table that exists — still refuse, and a failed load still changes nothing.
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::big_rows;
using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_types;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::sqlite_uri;
using uio::testing::write_file;

namespace {

// "id,n,f" and `rows` rows of integers, the last one's n and f replaced by `n` and `f`: the
// values the sample saw are all integers; the last ones are far past it (the first 1 MiB).
std::string late_values_csv(int rows, const std::string& n, const std::string& f) {
    std::string csv = "id,n,f\n";
    csv.reserve(static_cast<std::size_t>(rows) * 24);
    for (int i = 1; i < rows; ++i) {
        std::string k = std::to_string(i);
        csv += k;
        csv += ',';
        csv += std::to_string(i * 7);
        csv += ',';
        csv += k;
        csv += '\n';
    }
    return csv + std::to_string(rows) + "," + n + "," + f + "\n";
}

// The same as JSON Lines in jsonl_writer's (and row_to_json's) layout: {"n":7,"f":1,"s":"a"}.
std::string late_values_jsonl(int rows, const std::string& n, const std::string& f,
                              const std::string& s) {
    std::string out;
    out.reserve(static_cast<std::size_t>(rows) * 32);
    for (int i = 1; i < rows; ++i) {
        out += "{\"n\":";
        out += std::to_string(i * 7);
        out += ",\"f\":";
        out += std::to_string(i);
        out += ",\"s\":\"a\"}\n";
    }
    return out + "{\"n\":" + n + ",\"f\":" + f + ",\"s\":" + s + "}\n";
}

}  // namespace

TEST_CASE("CSV: a last record without a line end is in the sample (SQLite, PostgreSQL)") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "nonl.csv", "a,b\n1,2\n3,x");
    auto load = copy_table_and_report(dir / "nonl.csv", sqlite_uri(dir, "t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER|TEXT");
    CHECK(sqlite_column(db, "SELECT quote(b) FROM t") == "'2'|'x'");
    REQUIRE(copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv").code == 0);
    CHECK(read_file(dir / "out.csv") == "a,b\n1,2\n3,x\n");

    // nan and inf in the sample: text, not REAL (a NaN would come back as NULL).
    write_file(dir / "nan.csv", "r\n1.5\nnan\ninf\n");
    REQUIRE(copy_table_and_report(dir / "nan.csv", sqlite_uri(dir, "n")).code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('n')") == "TEXT");
    REQUIRE(copy_table_and_report(sqlite_uri(dir, "n"), dir / "nan_out.csv").code == 0);
    CHECK(read_file(dir / "nan_out.csv") == "r\n1.5\nnan\ninf\n");

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_nonl");
    auto pg = copy_table_and_report(dir / "nonl.csv", pg_uri("table=etl_nonl"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_types("etl_nonl") == "bigint|text");
    REQUIRE(copy_table_and_report(pg_uri("table=etl_nonl"), dir / "pg_out.csv").code == 0);
    CHECK(read_file(dir / "pg_out.csv") == "a,b\n1,2\n3,x\n");
}

TEST_CASE("JSON Lines → SQLite: a last record without a line end is sampled, mixed kept") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    // A number and a string in one JSON column: no declared type, each kept as it is.
    write_file(dir / "nonl.jsonl", "{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":\"x\"}");
    auto load = copy_table_and_report(dir / "nonl.jsonl", sqlite_uri(dir, "j"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('j')") == "INTEGER|");
    CHECK(sqlite_column(db, "SELECT quote(b) FROM j") == "2|'x'");
    REQUIRE(copy_table_and_report(sqlite_uri(dir, "j"), dir / "out.jsonl").code == 0);
    CHECK(read_file(dir / "out.jsonl") == "{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":\"x\"}\n");
}

TEST_CASE(
    "CSV → SQLite: values at row 1,000,000 (200,000 under ASan) widen their columns, every value "
    "comes back") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    std::string csv = late_values_csv(big_rows, "x", "2.5");
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    // n and f lost their declared INTEGER; the values already in kept their storage class.
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER||");
    CHECK(sqlite_column(db, "SELECT typeof(n) || ' ' || typeof(f) FROM t WHERE id IN (1, " +
                                std::to_string(big_rows) + ") ORDER BY id") ==
          "integer integer|text real");
    CHECK(sqlite_column(db, "SELECT count(*) FROM sqlite_master") == "1");  // no scratch table
    auto dump = copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

TEST_CASE("CSV → SQLite: late values an affinity would rewrite stay as written") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    // 100,000 sampled rows (3.5 MB: the sample is the first 1 MiB): i integers, r reals,
    // big integers past 2^53 (a REAL column would round them).
    std::string csv = "id,i,r,big\n";
    for (int k = 1; k <= 100'000; ++k) {
        csv += std::to_string(k) + "," + std::to_string(k) + "," + std::to_string(k) + ".5," +
               std::to_string(9007199254740993LL + k) + "\n";
    }
    // INTEGER or REAL affinity turns '1.50' into 1.5, '007' into 7, '1e+15' into an integer.
    csv += "100001,1.50,1.50,0.5\n";
    csv += "100002,007,007,x\n";
    csv += "100003,1e+15,x,9007199254740993\n";
    csv += "100004,-0,-0.0,1e+15\n";
    csv += "100005,nan,inf,-inf\n";  // SQLite would store a NaN as NULL
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER|||");
    CHECK(sqlite_column(db,
                        "SELECT typeof(i) || typeof(r) || typeof(big) FROM t WHERE id > "
                        "100000") ==
          "texttextreal|texttexttext|realtextinteger|texttextreal|texttexttext");
    REQUIRE(copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv").code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

TEST_CASE("SQLite: declared types still refuse, a load that fails after widening changes nothing") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    std::string csv = "id,n\n";
    for (int k = 1; k <= 200'000; ++k) csv += std::to_string(k) + "," + std::to_string(k) + "\n";
    write_file(dir / "late.csv", csv + "200001,x\n");
    write_file(dir / "ragged.csv", csv + "200001,x\n200002,1,extra\n");

    // An existing table's declared INTEGER: today's error, at the file's line and column.
    uio::testing::sqlite_exec(
        db, "CREATE TABLE t (id INTEGER, n INTEGER); INSERT INTO t VALUES (0, 0)");
    auto append = copy_table_and_report(dir / "late.csv", sqlite_uri(dir, "t"));
    CHECK(append.code == 1);
    CHECK(append.err.find("late.csv:200002: column n: 'x' is not an integer") != std::string::npos);

    // --schema: the user's type, not a guess.
    uio::etl::table_copy_options typed;
    typed.mode = uio::etl::load_mode::replace;
    typed.schema = "n integer";
    auto schema = copy_table_and_report(dir / "late.csv", sqlite_uri(dir, "t"), typed);
    CHECK(schema.code == 1);
    CHECK(schema.err.find("late.csv:200002: column n: 'x' is not an integer") != std::string::npos);

    // Replaced with inferred types, n widens, then a ragged row fails the load: all undone.
    uio::etl::table_copy_options replace;
    replace.mode = uio::etl::load_mode::replace;
    auto ragged = copy_table_and_report(dir / "ragged.csv", sqlite_uri(dir, "t"), replace);
    CHECK(ragged.code == 1);
    CHECK(ragged.err.find("ragged.csv:200003:") != std::string::npos);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER|INTEGER");
    CHECK(sqlite_column(db, "SELECT count(*) || ' ' || typeof(n) FROM t") == "1 integer");
    CHECK(sqlite_column(db, "SELECT name FROM sqlite_master") == "t");

    // Without the bad row, the same replace commits.
    auto ok = copy_table_and_report(dir / "late.csv", sqlite_uri(dir, "t"), replace);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    CHECK(sqlite_column(db, "SELECT count(*) FROM t") == "200001");
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER|");
}

TEST_CASE(
    "JSON Lines → SQLite: values at row 1,000,000 (200,000 under ASan) widen their columns, exact "
    "round trip") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    std::string in = late_values_jsonl(big_rows, "\"x\"", "2.5", "5");
    write_file(dir / "in.jsonl", in);
    auto load = copy_table_and_report(dir / "in.jsonl", sqlite_uri(dir, "j"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('j')") == "||");
    CHECK(sqlite_column(db,
                        "SELECT typeof(n) || typeof(f) || typeof(s) FROM j WHERE rowid IN "
                        "(1, " +
                            std::to_string(big_rows) + ") ORDER BY rowid") ==
          "integerintegertext|textrealinteger");
    auto dump = copy_table_and_report(sqlite_uri(dir, "j"), dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.jsonl") == in);
}

TEST_CASE("JSON Lines → PostgreSQL: a last record without a line end is sampled, mixed kept") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_nonl_j");
    // A number and a string in one JSON column: jsonb, each value kept as JSON.
    write_file(dir / "nonl.jsonl", "{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":\"x\"}");
    auto load = copy_table_and_report(dir / "nonl.jsonl", pg_uri("table=etl_nonl_j"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_nonl_j") == "bigint|jsonb");
    REQUIRE(copy_table_and_report(pg_uri("table=etl_nonl_j"), dir / "out.jsonl").code == 0);
    CHECK(read_file(dir / "out.jsonl") == "{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":\"x\"}\n");
}

TEST_CASE(
    "CSV → PostgreSQL: values at row 1,000,000 (200,000 under ASan) widen their columns, every "
    "value comes back") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_wide");
    std::string csv = late_values_csv(big_rows, "x", "2.5");
    write_file(dir / "in.csv", csv);
    uio::etl::table_copy_options o;
    o.stats_json = true;
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_wide"), o);
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(load.out.find("\"rows\": " + std::to_string(big_rows) + ",") != std::string::npos);
    // f: integers, then 2.5 — numeric, which keeps every integer read before exactly.
    CHECK(pg_types("etl_wide") == "bigint|text|numeric");
    auto dump = copy_table_and_report(pg_uri("table=etl_wide"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);

    // From a real column to text: a value past the sample that is no number.
    pg_exec("drop table etl_wide");
    std::string reals = "r\n";
    for (int k = 0; k < 100'000; ++k) reals += std::to_string(k) + ".5\n";
    reals += "x\n";
    write_file(dir / "real.csv", reals);
    auto real = copy_table_and_report(dir / "real.csv", pg_uri("table=etl_wide"));
    INFO(real.err);
    REQUIRE(real.code == 0);
    CHECK(pg_types("etl_wide") == "text");
    REQUIRE(copy_table_and_report(pg_uri("table=etl_wide"), dir / "real_out.csv").code == 0);
    CHECK(read_file(dir / "real_out.csv") == reals);
}

TEST_CASE("PostgreSQL: a load that fails after widening changes nothing, declared types refuse") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_keep; create table etl_keep (id bigint, n bigint, f bigint); "
        "insert into etl_keep values (0, 0, 0)");
    std::string csv = late_values_csv(200'000, "x", "2.5");
    write_file(dir / "late.csv", csv);
    write_file(dir / "ragged.csv", csv + "200001,1,1,extra\n");
    uio::etl::table_copy_options replace;
    replace.mode = uio::etl::load_mode::replace;
    auto ragged = copy_table_and_report(dir / "ragged.csv", pg_uri("table=etl_keep"), replace);
    CHECK(ragged.code == 1);
    CHECK(ragged.err.find("ragged.csv:200002: extra data after last expected column") !=
          std::string::npos);
    CHECK(pg_types("etl_keep") == "bigint|bigint|bigint");
    CHECK(pg_column("select count(*) from etl_keep") == "1");
    CHECK(pg_column("select count(*) from pg_class where relname like 'etl_keep%'") == "1");

    // Appended, the table's declared bigint refuses, at the file's line.
    auto append = copy_table_and_report(dir / "late.csv", pg_uri("table=etl_keep"));
    CHECK(append.code == 1);
    CHECK(append.err.find("late.csv:200001: invalid input syntax for type bigint: \"x\" "
                          "(column n)") != std::string::npos);
    // --schema: the user's type, not a guess.
    uio::etl::table_copy_options typed = replace;
    typed.schema = "n bigint";
    auto schema = copy_table_and_report(dir / "late.csv", pg_uri("table=etl_keep"), typed);
    CHECK(schema.code == 1);
    CHECK(schema.err.find("late.csv:200001: invalid input syntax for type bigint: \"x\"") !=
          std::string::npos);
    CHECK(pg_column("select count(*) from etl_keep") == "1");
}

TEST_CASE(
    "JSON Lines → PostgreSQL: values at row 1,000,000 (200,000 under ASan) widen their columns, "
    "exact round trip") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_wide_j");
    std::string in = late_values_jsonl(big_rows, "\"x\"", "2.5", "5");
    write_file(dir / "in.jsonl", in);
    auto load = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_wide_j"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    // n: numbers, then a string (jsonb); f: integers, then a real (numeric: the integers
    // stay exact); s: strings, then a number.
    CHECK(pg_types("etl_wide_j") == "jsonb|numeric|jsonb");
    auto dump = copy_table_and_report(pg_uri("table=etl_wide_j"), dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.jsonl") == in);

    // A string that must be quoted as JSON, with a line end in it, past a guessed number.
    pg_exec("drop table etl_wide_j");
    std::string lines;
    for (int k = 0; k < 100'000; ++k) lines += "{\"v\":" + std::to_string(k) + "}\n";
    lines += "{\"v\":\"two\\nlines \\\"q\\\"\"}\n";
    write_file(dir / "str.jsonl", lines);
    auto str = copy_table_and_report(dir / "str.jsonl", pg_uri("table=etl_wide_j"));
    INFO(str.err);
    REQUIRE(str.code == 0);
    CHECK(pg_column("select v #>> '{}' from etl_wide_j where jsonb_typeof(v) = 'string'") ==
          "two\nlines \"q\"");
    REQUIRE(copy_table_and_report(pg_uri("table=etl_wide_j"), dir / "str_out.jsonl").code == 0);
    CHECK(read_file(dir / "str_out.jsonl") == lines);
}

namespace {

// "id,n,d,b,dt,ts,tz": 100,000 rows in the printed forms of bigint (past 2^53 too), numeric,
// boolean, date, timestamp and timestamptz, then a last row none of them takes.
std::string late_rich_csv() {
    std::string csv = "id,n,d,b,dt,ts,tz\n";
    for (int k = 1; k <= 100'000; ++k) {
        std::string day =
            "2024-01-" + std::string(k % 28 < 9 ? "0" : "") + std::to_string(k % 28 + 1);
        csv += std::to_string(k) + "," + std::to_string(9007199254740993LL + k) + "," +
               std::to_string(k) + ".50," + (k % 2 ? "t" : "f") + "," + day + "," + day +
               " 12:00:00.5," + day + " 23:59:59+00\n";
    }
    // Each refused by the guessed type: invalid (22P02), out of range (22008), not a
    // date/time (22007).
    return csv + "100001,2.50,x,maybe,2024-02-30,soon,later\n";
}

}  // namespace

TEST_CASE("CSV → PostgreSQL: late values widen numeric, boolean, dates and times, exactly") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_wide_rich");
    std::string csv = late_rich_csv();
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_wide_rich"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_wide_rich") == "bigint|numeric|text|text|text|text|text");
    auto dump = copy_table_and_report(pg_uri("table=etl_wide_rich"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

TEST_CASE("CSV → SQLite: the richer kinds are TEXT and take any later value as written") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    std::string csv = late_rich_csv();
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    // n widens (an INTEGER guess); the others were TEXT from the start.
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") ==
          "INTEGER||TEXT|TEXT|TEXT|TEXT|TEXT");
    REQUIRE(copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv").code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}
