// JSON Lines ↔ PostgreSQL, and --max-errors/--rejects for loads into PostgreSQL (CSV and
// JSON Lines): value-identical round trips, errors at the file's line, atomic loads.
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::write_file;

TEST_CASE("JSONL → PostgreSQL → JSONL is byte-identical, JSON types kept") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_j, etl_j2");
    // Written in row_to_json's layout (jsonb's spacing for nested values) so the round trip
    // can be compared byte for byte.
    std::string in;
    in += R"({"id":1,"zip":"02134","name":"say \"hi\", ok","price":0.1,"note":null,)"
          R"("ok":true,"meta":{"a": [1, 2]},"amount":1.50})"
          "\n";
    in += R"({"id":2,"zip":"10001","name":"two\nlines 日本語 🎉","price":-2.5e-07,"note":"",)"
          R"("ok":false,"meta":null,"amount":12345678901234567890.0123456789})"
          "\n";
    in += R"({"id":3,"zip":null,"name":")" + std::string(1 << 20, 'y') +
          R"(","price":12345678.125,"note":"NULL","ok":null,"meta":{"k": "\\N"},"amount":-0.1})"
          "\n";
    write_file(dir / "in.jsonl", in);
    auto load = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_j"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_column("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
                    "'etl_j'::regclass and attnum > 0 order by attnum") ==
          "bigint|text|text|double precision|text|boolean|jsonb|numeric");
    CHECK(pg_column("select coalesce(note, '<null>') from etl_j order by id") == "<null>||NULL");
    auto dump = copy_table_and_report(pg_uri("table=etl_j"), dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.jsonl") == in);

    // Into an existing table with other column types, and out through a query.
    pg_exec(
        "create table etl_j2 (id int, zip text, name text, price real, note text, ok text, "
        "meta json, amount numeric(40,10))");
    auto append = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_j2"));
    INFO(append.err);
    REQUIRE(append.code == 0);
    CHECK(pg_column("select ok from etl_j2 order by id") == "true|false|<NULL>");
    auto q = copy_table_and_report(
        pg_uri("query=select%20id,%20note%20from%20etl_j2%20order%20by%20id"), dir / "q.jsonl");
    INFO(q.err);
    REQUIRE(q.code == 0);
    CHECK(read_file(dir / "q.jsonl") ==
          "{\"id\":1,\"note\":null}\n{\"id\":2,\"note\":\"\"}\n{\"id\":3,\"note\":\"NULL\"}\n");
}

TEST_CASE("bad JSON Lines into PostgreSQL: the file's line, the table unchanged") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_jb; create table etl_jb (id int, t text); "
        "insert into etl_jb values (0, 'before')");
    // Multi-line strings before the bad row: the server's line count is not the file's.
    std::string in;
    for (int i = 1; i <= 20'000; ++i) {
        in += "{\"id\":" + std::to_string(i) + ",\"t\":\"a\\nb\\nc\"}\n";
    }
    in += "\n{\"id\":\"x\",\"t\":\"bad\"}\n{\"id\":20001,\"t\":\"after\"}\n";
    write_file(dir / "value.jsonl", in);
    auto r = copy_table_and_report(dir / "value.jsonl", pg_uri("table=etl_jb"));
    CHECK(r.code == 1);
    CHECK(
        r.err.find("value.jsonl:20002: invalid input syntax for type integer: \"x\" (column id)") !=
        std::string::npos);
    CHECK(pg_column("select string_agg(id || t, ',') from etl_jb") == "0before");

    // A JSON syntax error late in the file fails the producer: nothing may be committed.
    // (Past the first 1 MiB, which is read for the sample before the load starts.)
    std::string big;
    for (int i = 1; i <= 150'000; ++i) big += "{\"id\":" + std::to_string(i) + ",\"t\":\"row\"}\n";
    write_file(dir / "syntax.jsonl", big + "{\"id\": 1,,}\n");
    auto s = copy_table_and_report(dir / "syntax.jsonl", pg_uri("table=etl_jb"));
    CHECK(s.code == 1);
    CHECK(s.err.find("syntax.jsonl:150001:") != std::string::npos);
    CHECK(pg_column("select string_agg(id || t, ',') from etl_jb") == "0before");

    // A key the table does not have.
    write_file(dir / "key.jsonl", "{\"id\":1,\"t\":\"a\"}\n{\"id\":2,\"t\":\"b\",\"extra\":1}\n");
    auto k = copy_table_and_report(dir / "key.jsonl", pg_uri("table=etl_jb"));
    CHECK(k.code == 1);
    CHECK(k.err.find("column \"extra\" of relation \"etl_jb\" does not exist") !=
          std::string::npos);
    CHECK(pg_column("select count(*) from etl_jb") == "1");
}

TEST_CASE("loads into PostgreSQL skip up to --max-errors bad rows, written to --rejects") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_rej; create table etl_rej (id int, t text)");
    std::string csv = "id,t\n1,\"multi\nline\"\nbad,x\n3,ok\n4.5,y\n5,\"last\"\n";
    write_file(dir / "in.csv", csv);
    uio::etl::table_copy_options o;
    o.max_errors = 1;
    o.rejects_path = dir / "rejects.txt";
    auto over = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_rej"), o);
    CHECK(over.code == 1);
    CHECK(over.err.find("in.csv:6: invalid input syntax for type integer: \"4.5\"") !=
          std::string::npos);
    CHECK(over.err.find("more than --max-errors=1") != std::string::npos);
    CHECK(pg_column("select count(*) from etl_rej") == "0");

    o.max_errors = 2;
    o.stats_json = true;
    auto ok = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_rej"), o);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    CHECK(ok.out.find("\"rows\": 3,") != std::string::npos);
    CHECK(ok.out.find("\"errors\": 2}") != std::string::npos);
    CHECK(pg_column("select string_agg(id || t, ',' order by id) from etl_rej") ==
          "1multi\nline,3ok,5last");
    std::string in_csv = dir / "in.csv";
    CHECK(read_file(dir / "rejects.txt") ==
          in_csv + ":4: invalid input syntax for type integer: \"bad\" (column id)\n    bad,x\n" +
              in_csv +
              ":6: invalid input syntax for type integer: \"4.5\" (column id)\n    4.5,y\n");

    // The same for JSON Lines, where the rows are converted on our side.
    pg_exec("truncate etl_rej");
    write_file(
        dir / "in.jsonl",
        "{\"id\":1,\"t\":\"a\\nb\"}\n{\"id\":\"bad\",\"t\":\"x\"}\n{\"id\":3,\"t\":\"c\"}\n");
    uio::etl::table_copy_options j;
    j.max_errors = 1;
    j.rejects_path = dir / "jrejects.txt";
    auto jr = copy_table_and_report(dir / "in.jsonl", pg_uri("table=etl_rej"), j);
    INFO(jr.err);
    REQUIRE(jr.code == 0);
    CHECK(pg_column("select string_agg(id || t, ',' order by id) from etl_rej") == "1a\nb,3c");
    CHECK(read_file(dir / "jrejects.txt") ==
          std::string(dir / "in.jsonl") +
              ":2: invalid input syntax for type integer: \"bad\" (column id)\n"
              "    {\"id\":\"bad\",\"t\":\"x\"}\n");

    // A quoted field that never ends cannot be skipped: it would take the rest with it.
    write_file(dir / "open.csv", "id,t\n1,a\n2,\"never\nends\n3,c\n");
    auto open = copy_table_and_report(dir / "open.csv", pg_uri("table=etl_rej"), o);
    CHECK(open.code == 1);
    CHECK(open.err.find("unterminated") != std::string::npos);
}
