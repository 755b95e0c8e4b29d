// --connections N into PostgreSQL: the same table as one connection, errors at the file's
// line with the target untouched and no staging table left, quoted newlines across the
// streams' blocks, JSON Lines, and the usage errors.
#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "uio/db/etl/detail/csv_block_splitter.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::write_file;

namespace {

uio::etl::table_copy_options with_connections(unsigned n) {
    uio::etl::table_copy_options o;
    o.connections = n;
    return o;
}

// The table's column types and its rows, in `order` order, as one digest.
std::string table_digest(const std::string& table, const std::string& order = "id") {
    return pg_column(
               "select string_agg(format_type(atttypid, atttypmod), ',' order by attnum) "
               "from pg_attribute where attrelid = '" +
               table + "'::regclass and attnum > 0") +
           " " +
           pg_column("select count(*) || ' ' || md5(string_agg(t::text, '|' order by " + order +
                     ")) " + std::string("from ") + table + " t");
}

// Staging tables of `table` left behind (only this test's: other tests load beside it).
std::string leftover_staging(const std::string& table) {
    return pg_column("select count(*) from pg_class where relname like '" + table +
                     "\\_\\_uio\\_load\\_%'");
}

// ~6 MiB of CSV (several 1 MiB blocks per stream): every third record has a quoted field
// with newlines, quotes and commas, so block ends fall next to and between them.
std::string big_csv(bool header, const std::string& eol = "\n") {
    std::string csv = header ? "id,name,amount,note" + eol : "";
    for (int i = 1; i <= 160'000; ++i) {
        csv += std::to_string(i) + ",name " + std::to_string(i % 97) + "," +
               std::to_string(i * 7 % 1000) + "." + std::to_string(i % 10) + ",";
        if (i % 3 == 0) {
            csv += "\"line one of " + std::to_string(i) + "\nline \"\"two\"\", with a comma\n\"";
        } else if (i % 3 == 1) {
            csv += "plain note " + std::string(static_cast<std::size_t>(i % 40), 'z');
        }
        csv += eol;
    }
    return csv;
}

}  // namespace

TEST_CASE("loads over 1 or 2 or 4 connections give the same table as one connection") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_par_1, etl_par_2, etl_par_4");
    write_file(dir / "in.csv", big_csv(true));
    for (unsigned n : {1u, 2u, 4u}) {
        auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_" + std::to_string(n)),
                                       with_connections(n));
        INFO(n << " connections: " << r.err);
        REQUIRE(r.code == 0);
        CHECK(leftover_staging("etl_par_" + std::to_string(n)) == "0");
    }
    std::string one = table_digest("etl_par_1");
    INFO(one);
    CHECK(one.starts_with("bigint,text,numeric,text 160000 "));
    CHECK(table_digest("etl_par_2") == one);
    CHECK(table_digest("etl_par_4") == one);

    // Appended (the staging table takes the target's types), then replaced.
    auto more =
        copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_4"), with_connections(3));
    INFO(more.err);
    REQUIRE(more.code == 0);
    CHECK(pg_column("select count(*) || ' ' || count(distinct id) from etl_par_4") ==
          "320000 160000");
    uio::etl::table_copy_options replace = with_connections(4);
    replace.mode = uio::etl::load_mode::replace;
    auto replaced = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_4"), replace);
    INFO(replaced.err);
    REQUIRE(replaced.code == 0);
    CHECK(table_digest("etl_par_4") == one);
    uio::etl::table_copy_options fail = with_connections(2);
    fail.mode = uio::etl::load_mode::fail_if_exists;
    auto refused = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_4"), fail);
    CHECK(refused.code == 1);
    CHECK(refused.err.find("exists (--mode=fail-if-exists)") != std::string::npos);
    CHECK(leftover_staging("etl_par_4") == "0");
    uio::etl::table_copy_options plan = with_connections(4);
    plan.dry_run = true;
    auto planned = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_new"), plan);
    INFO(planned.err);
    CHECK(planned.code == 0);
    CHECK(planned.out.find("connections: 4 COPY streams") != std::string::npos);
    pg_exec("drop table etl_par_1, etl_par_2, etl_par_4");
}

TEST_CASE("connections: no header and CRLF line ends give the same table as one connection") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_parh_1, etl_parh_3");
    write_file(dir / "in.csv", big_csv(false, "\r\n"));
    uio::etl::table_copy_options o = with_connections(1);
    o.header = false;
    for (unsigned n : {1u, 3u}) {
        o.connections = n;
        auto r =
            copy_table_and_report(dir / "in.csv", pg_uri("table=etl_parh_" + std::to_string(n)), o);
        INFO(n << " connections: " << r.err);
        REQUIRE(r.code == 0);
    }
    CHECK(table_digest("etl_parh_3", "c1") == table_digest("etl_parh_1", "c1"));
    CHECK(pg_column("select c4 from etl_parh_3 where c1 = 3") ==
          "line one of 3\nline \"two\", with a comma\n");
    pg_exec("drop table etl_parh_1, etl_parh_3");
}

TEST_CASE("a bad row in the third connection's part fails the load at its line") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_par_bad; create table etl_par_bad "
        "(id int, name text, amount numeric, note text); "
        "insert into etl_par_bad values (0, 'before', 1, null)");
    std::string csv = big_csv(true);
    // The reader's blocks (1 MiB reads): the header, then data blocks, the first four of
    // which go to streams 1, 2, 3, 4 in turn (their queues are empty). The bad record goes
    // in the middle of the third data block, after a record with quoted newlines (a digit
    // after a line end starts a record: quoted lines start with letters or a quote).
    uio::etl::csv_block_splitter splitter('"', 1 << 20);
    std::vector<std::string> blocks;
    for (std::size_t i = 0; i < csv.size(); i += 1 << 20) {
        splitter.feed(std::string_view(csv).substr(i, 1 << 20), blocks);
    }
    REQUIRE(blocks.size() >= 5);
    std::size_t at = blocks[0].size() + blocks[1].size() + blocks[2].size() + blocks[3].size() / 2;
    while (!(csv[at] == '\n' && csv[at + 1] >= '0' && csv[at + 1] <= '9' && csv[at - 1] == '"')) {
        ++at;
    }
    ++at;
    std::size_t line =
        1 + static_cast<std::size_t>(std::count(csv.begin(), csv.begin() + at, '\n'));
    csv.insert(at, "oops,\"bad\nid\",1,\"x\n\"\n");
    write_file(dir / "in.csv", csv);
    for (auto mode : {uio::etl::load_mode::append, uio::etl::load_mode::replace}) {
        uio::etl::table_copy_options o = with_connections(4);
        o.mode = mode;
        auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_bad"), o);
        INFO(r.err);
        if (mode == uio::etl::load_mode::append) {
            // The table's int refuses "oops", at the line where that record starts.
            CHECK(r.code == 1);
            CHECK(r.err.find("in.csv:" + std::to_string(line) +
                             ": invalid input syntax for type integer") != std::string::npos);
            CHECK(r.err.find("(column id)") != std::string::npos);
        } else {
            // A replaced table has ucopy's types: id widens to text, and the load goes on.
            CHECK(r.code == 0);
        }
        CHECK(leftover_staging("etl_par_bad") == "0");
        if (mode == uio::etl::load_mode::append) {
            CHECK(pg_column("select string_agg(id || name, ',') from etl_par_bad") == "0before");
        }
    }
    CHECK(pg_column("select count(*) from etl_par_bad") == "160001");
    CHECK(pg_column("select format_type(atttypid, atttypmod) from pg_attribute where attrelid "
                    "= 'etl_par_bad'::regclass and attnum = 1") == "text");

    // An unterminated quoted field in the last part.
    write_file(dir / "open.csv", big_csv(true) + "7,\"never closed,1,x\n");
    pg_exec(
        "drop table etl_par_bad; create table etl_par_bad (id int, name text, "
        "amount numeric, note text)");
    auto open =
        copy_table_and_report(dir / "open.csv", pg_uri("table=etl_par_bad"), with_connections(2));
    CHECK(open.code == 1);
    CHECK(open.err.find("unterminated") != std::string::npos);
    CHECK(pg_column("select count(*) from etl_par_bad") == "0");
    CHECK(leftover_staging("etl_par_bad") == "0");
    pg_exec("drop table etl_par_bad");
}

TEST_CASE("JSON Lines over several connections: the same table and errors at the file line") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_parj_1, etl_parj_3, etl_parj_bad");
    std::string in;
    for (int i = 1; i <= 60'000; ++i) {
        in += "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i) +
              (i % 5 == 0 ? "\\nsecond line\\n" : "") + "\",\"amount\":" + std::to_string(i % 100) +
              ".5,\"ok\":" + (i % 2 ? "true" : "false") + ",\"meta\":{\"k\":[" + std::to_string(i) +
              "]}}\n";
    }
    write_file(dir / "in.jsonl", in);
    for (unsigned n : {1u, 3u}) {
        auto r = copy_table_and_report(
            dir / "in.jsonl", pg_uri("table=etl_parj_" + std::to_string(n)), with_connections(n));
        INFO(n << " connections: " << r.err);
        REQUIRE(r.code == 0);
    }
    CHECK(table_digest("etl_parj_3") == table_digest("etl_parj_1"));
    CHECK(table_digest("etl_parj_1").starts_with("bigint,text,double precision,boolean,jsonb "));

    // A value the existing table refuses, far into the file (after records with newlines).
    pg_exec(
        "create table etl_parj_bad (id int, name text, amount numeric, ok boolean, meta jsonb)");
    std::string bad = in;
    const std::string record = "{\"id\":45000,";
    bad.replace(bad.find(record), record.size(), "{\"id\":\"x45\",");
    write_file(dir / "bad.jsonl", bad);
    auto r =
        copy_table_and_report(dir / "bad.jsonl", pg_uri("table=etl_parj_bad"), with_connections(3));
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find("bad.jsonl:45000: invalid input syntax for type integer") !=
          std::string::npos);
    CHECK(pg_column("select count(*) from etl_parj_bad") == "0");
    CHECK(leftover_staging("etl_parj_bad") == "0");

    // Into a table ucopy creates, the same value past the sample widens id (to jsonb: a
    // number and a string), with 3 connections as with one.
    for (unsigned n : {1u, 3u}) {
        std::string table = "etl_parj_wide_" + std::to_string(n);
        pg_exec("drop table if exists " + table);
        auto wide =
            copy_table_and_report(dir / "bad.jsonl", pg_uri("table=" + table), with_connections(n));
        INFO(n << " connections: " << wide.err);
        REQUIRE(wide.code == 0);
    }
    CHECK(table_digest("etl_parj_wide_3", "t.name") == table_digest("etl_parj_wide_1", "t.name"));
    CHECK(table_digest("etl_parj_wide_3", "t.name").starts_with("jsonb,text,"));
    CHECK(leftover_staging("etl_parj_wide_3") == "0");
    pg_exec("drop table etl_parj_1, etl_parj_3, etl_parj_bad, etl_parj_wide_1, etl_parj_wide_3");
}

TEST_CASE("connections: usage errors") {
    uio::testing::temp_dir dir;
    write_file(dir / "in.csv", "a\n1\n");
    auto to_sqlite = copy_table_and_report(dir / "in.csv", "sqlite:" + (dir / "x.db") + "?table=t",
                                           with_connections(2));
    CHECK(to_sqlite.code == 2);
    CHECK(to_sqlite.err.find("--connections loads a data file") != std::string::npos);
    auto out = copy_table_and_report(pg_uri("table=t"), dir / "out.csv", with_connections(2));
    CHECK(out.code == 2);
    uio::etl::table_copy_options errors = with_connections(2);
    errors.max_errors = 3;
    auto skip = copy_table_and_report(dir / "in.csv", pg_uri("table=t"), errors);
    CHECK(skip.code == 2);
    CHECK(skip.err.find("--max-errors needs one connection") != std::string::npos);
    uio::etl::table_copy_options upsert = with_connections(2);
    upsert.mode = uio::etl::load_mode::upsert;
    upsert.key = {"a"};
    CHECK(copy_table_and_report(dir / "in.csv", pg_uri("table=t"), upsert).code == 2);
    CHECK(copy_table_and_report(dir / "in.csv", pg_uri("table=t"), with_connections(0)).code == 2);
    CHECK(copy_table_and_report(dir / "in.csv", pg_uri("table=t"), with_connections(65)).code == 2);
}

TEST_CASE("connections: the target's constraint fails the publish, nothing is left") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_par_key; create table etl_par_key "
        "(id int primary key, name text, amount numeric, note text); "
        "insert into etl_par_key values (150000, 'there first', 0, null)");
    write_file(dir / "in.csv", big_csv(true));
    auto r =
        copy_table_and_report(dir / "in.csv", pg_uri("table=etl_par_key"), with_connections(2));
    INFO(r.err);
    CHECK(r.code == 1);
    // Checked by the INSERT ... SELECT that publishes: it names the constraint, not a line.
    CHECK(r.err.find("etl_par_key_pkey") != std::string::npos);
    CHECK(pg_column("select count(*) || ' ' || max(name) from etl_par_key") == "1 there first");
    CHECK(leftover_staging("etl_par_key") == "0");
    pg_exec("drop table etl_par_key");
}
