// Errors and limits on every load path: --max-errors/--rejects for a bad record in the first
// MiB (the sample) as later, CSV and JSON Lines, into SQLite and PostgreSQL; duplicate header
// names at file:line:column; no SQLite file left behind by a load that created it and
// failed; a database failure names the database, not the input line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::write_file;

namespace {

uio::etl::table_copy_options skip_one(const std::string& rejects) {
    uio::etl::table_copy_options o;
    o.max_errors = 1;
    o.rejects_path = rejects;
    o.stats_json = true;
    return o;
}

}  // namespace

TEST_CASE("a ragged CSV record in the first MiB is skipped under --max-errors, into both") {
    uio::testing::temp_dir dir;
    std::string in = dir / "in.csv";
    write_file(in, "a,b\n1,2\n3\n4,5\n");

    auto lite = copy_table_and_report(in, "sqlite:" + std::string(dir / "db.sqlite") + "?table=t",
                                      skip_one(dir / "lite.rej"));
    INFO(lite.err);
    REQUIRE(lite.code == 0);
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT a || b FROM t ORDER BY a") == "12|45");
    CHECK_THAT(read_file(dir / "lite.rej"), Catch::StartsWith(in + ":3: "));

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_ragged");
    auto pg = copy_table_and_report(in, pg_uri("table=etl_ragged"), skip_one(dir / "pg.rej"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK_THAT(pg.out, Catch::Contains("\"rows\": 2,"));
    CHECK_THAT(pg.out, Catch::Contains("\"errors\": 1"));
    CHECK(pg_column("select string_agg(a::text || b::text, ',' order by a) from etl_ragged") ==
          "12,45");
    CHECK_THAT(read_file(dir / "pg.rej"), Catch::StartsWith(in + ":3: "));
    CHECK_THAT(read_file(dir / "pg.rej"), Catch::Contains("\n    3\n"));

    // Without --max-errors: the reader's own error, line and column.
    pg_exec("drop table if exists etl_ragged");
    auto strict = copy_table_and_report(in, pg_uri("table=etl_ragged"));
    CHECK(strict.code == 1);
    CHECK_THAT(strict.err, Catch::Contains("in.csv:3:2: too few fields"));
}

TEST_CASE("a bad JSON line in the first MiB is skipped under --max-errors, into both") {
    uio::testing::temp_dir dir;
    std::string in = dir / "in.jsonl";
    // The bad line has a key of its own: it must not become a column.
    write_file(in, "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"zz\":\n{\"a\":3,\"b\":\"y\"}\n");

    auto lite = copy_table_and_report(in, "sqlite:" + std::string(dir / "db.sqlite") + "?table=t",
                                      skip_one(dir / "lite.rej"));
    INFO(lite.err);
    REQUIRE(lite.code == 0);
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT a || b FROM t ORDER BY a") == "1x|3y");
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT count(*) FROM pragma_table_info('t')") == "2");
    CHECK(read_file(dir / "lite.rej") ==
          in + ":2:13: unexpected end of line\n    {\"a\":2,\"zz\":\n");

    // Two bad lines are one too many.
    write_file(dir / "two.jsonl", "{\"a\":1}\n{\n[]\n{\"a\":3}\n");
    auto over = copy_table_and_report(dir / "two.jsonl",
                                      "sqlite:" + std::string(dir / "db2.sqlite") + "?table=t",
                                      skip_one(dir / "two.rej"));
    CHECK(over.code == 1);
    CHECK_THAT(over.err, Catch::Contains("two.jsonl:3:1: expected a JSON object"));

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_badjson");
    auto pg = copy_table_and_report(in, pg_uri("table=etl_badjson"), skip_one(dir / "pg.rej"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_column("select string_agg(a::text || b::text, ',' order by a) from etl_badjson") ==
          "1x,3y");
    CHECK(read_file(dir / "pg.rej") == read_file(dir / "lite.rej"));
}

TEST_CASE("duplicate header names are a data error at file:1:column, into both") {
    uio::testing::temp_dir dir;
    std::string in = dir / "in.csv";
    write_file(in, "id,name,id\n1,a,2\n");
    auto lite = copy_table_and_report(in, "sqlite:" + std::string(dir / "db.sqlite") + "?table=t");
    CHECK(lite.code == 1);
    CHECK_THAT(lite.err, Catch::Contains(in + ":1:9: duplicate column name \"id\""));
    uio::testing::require_cluster();
    auto pg = copy_table_and_report(in, pg_uri("table=etl_dup_header"));
    CHECK(pg.code == 1);
    CHECK_THAT(pg.err, Catch::Contains(in + ":1:9: duplicate column name \"id\""));
}

TEST_CASE("a failed SQLite load leaves no file it created; an existing one is untouched") {
    uio::testing::temp_dir dir;
    write_file(dir / "empty.csv", "");
    write_file(dir / "bad_header.csv", "a,,b\n1,2,3\n");
    write_file(dir / "bad_row.csv", "a\n1\n\"open\n");
    for (const char* name : {"empty.csv", "bad_header.csv", "bad_row.csv"}) {
        INFO(name);
        std::string db = dir / "new.db";
        auto r = copy_table_and_report(dir / name, "sqlite:" + db + "?table=t");
        CHECK(r.code == 1);
        CHECK_FALSE(std::filesystem::exists(db));
        CHECK_FALSE(std::filesystem::exists(db + "-journal"));
    }
    // An existing database keeps what it had.
    std::string db = dir / "old.db";
    uio::testing::sqlite_exec(db, "CREATE TABLE keep (x); INSERT INTO keep VALUES (7)");
    auto r = copy_table_and_report(dir / "empty.csv", "sqlite:" + db + "?table=t");
    CHECK(r.code == 1);
    CHECK(sqlite_column(db, "SELECT x FROM keep") == "7");
}

TEST_CASE("an unterminated quote past the sample, CSV into PostgreSQL, names its line") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    std::string in = dir / "open.csv";
    std::string text = "a,b\n";
    for (int i = 1; i <= 120000; ++i) text += std::to_string(i) + ",xxxxxxxx\n";  // > 1 MiB
    text += "5,\"open\n6,x\n";
    write_file(in, text);
    pg_exec("drop table if exists etl_open");
    auto r = copy_table_and_report(in, pg_uri("table=etl_open"));
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains(in + ":120002:3: unterminated quoted field"));
    CHECK(pg_column("select count(*) from pg_tables where tablename = 'etl_open'") == "0");
}

TEST_CASE("column names one apart in case are a data error naming the input, into SQLite") {
    uio::testing::temp_dir dir;
    write_file(dir / "ci.csv", "id,ID\n1,2\n");
    auto csv = copy_table_and_report(dir / "ci.csv",
                                     "sqlite:" + std::string(dir / "db.sqlite") + "?table=t");
    CHECK(csv.code == 1);
    CHECK_THAT(csv.err, Catch::Contains(std::string(dir / "ci.csv") +
                                        ":1: columns \"id\" and \"ID\" are one name in SQLite"));
    write_file(dir / "ci.jsonl", "{\"a\":1,\"A\":2}\n");
    auto json = copy_table_and_report(dir / "ci.jsonl",
                                      "sqlite:" + std::string(dir / "db.sqlite") + "?table=t");
    CHECK(json.code == 1);
    CHECK_THAT(json.err, Catch::Contains("ci.jsonl: columns \"a\" and \"A\" are one name"));
    CHECK_FALSE(std::filesystem::exists(dir / "db.sqlite"));
}

TEST_CASE("a line \\. past the sample is refused: COPY would stop there and drop the rest") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    for (const char* ext : {".csv", ".tsv"}) {
        INFO(ext);
        const bool tsv = std::string(ext) == ".tsv";
        std::string in = dir / (std::string("eod") + ext);
        std::string text = tsv ? "a\tb\n" : "a,b\n";
        for (int i = 1; i <= 120000; ++i) {
            text += std::to_string(i) + (tsv ? "\txxxxxxxx\n" : ",xxxxxxxx\n");
        }
        text += "\\.\n7,y\n";
        write_file(in, text);
        for (std::size_t connections : {1u, 2u}) {
            pg_exec("drop table if exists etl_eod");
            uio::etl::table_copy_options o;
            o.connections = connections;
            auto r = copy_table_and_report(in, pg_uri("table=etl_eod"), o);
            CHECK(r.code == 1);
            CHECK_THAT(r.err, Catch::Contains(in + ":120002: a line \\. is PostgreSQL's"));
            CHECK(pg_column("select count(*) from pg_tables where tablename = 'etl_eod'") == "0");
        }
    }
}
