// CSV ↔ PostgreSQL and PostgreSQL ↔ SQLite against the test cluster: round trips, COPY
// errors mapped to the file's line, atomic loads, hostile names, redacted passwords.
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::read_file;
using uio::testing::write_file;

using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;

TEST_CASE("CSV → PostgreSQL → CSV is byte-identical") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_rt");
    std::string csv = uio::testing::tricky_csv(true);
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_rt"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_column("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
                    "'etl_rt'::regclass and attnum > 0 order by attnum") ==
          "bigint|text|text|double precision|text|text");
    CHECK(pg_column("select coalesce(note, '<null>') from etl_rt order by id limit 3") ==
          "<null>||NULL");
    auto dump = copy_table_and_report(pg_uri("table=etl_rt"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

TEST_CASE("a COPY error names the file's line where the record starts, the table is unchanged") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_bad; create table etl_bad (id int, t text); "
        "insert into etl_bad values (1, 'before')");
    std::string csv = "id,t\n";
    for (int i = 2; i < 50'000; ++i)
        csv += std::to_string(i) + ",\"row\n" + std::to_string(i) + "\"\n";
    csv += "oops,\"spans\nthree\nlines\"\n";
    write_file(dir / "in.csv", csv);
    // Appended, the table's own types refuse "oops".
    auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_bad"));
    CHECK(r.code == 1);
    // 1 header line + 49,998 two-line records: the bad record starts on line 99,998.
    CHECK(r.err.find("in.csv:99998: invalid input syntax for type integer") != std::string::npos);
    CHECK(r.err.find(": \"oops\" (column id)") != std::string::npos);
    CHECK(pg_column("select string_agg(id || t, ',') from etl_bad") == "1before");
    uio::etl::table_copy_options fail;
    fail.mode = uio::etl::load_mode::fail_if_exists;
    CHECK(copy_table_and_report(dir / "in.csv", pg_uri("table=etl_bad"), fail).code == 1);
    // Replaced, the new table has ucopy's types, which take every value (id becomes text).
    uio::etl::table_copy_options replace;
    replace.mode = uio::etl::load_mode::replace;
    auto replaced = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_bad"), replace);
    INFO(replaced.err);
    REQUIRE(replaced.code == 0);
    CHECK(pg_column("select count(*) || ' ' || max(id) from etl_bad") == "49999 oops");
}

TEST_CASE("PostgreSQL → SQLite → PostgreSQL keeps every value") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_src, etl_back; "
        "create table etl_src (id bigint, amount numeric(30,10), f double precision, "
        "  at timestamptz, zip text, note text); "
        "insert into etl_src values "
        " (1, 12345678901234567890.0123456789, 0.1, '2024-03-10 02:30:00+01', '02134', null), "
        " (2, -0.0000000001, 1e300, '1999-12-31 23:59:59.999999-08', '00501', ''), "
        " (3, null, -2.5e-7, null, null, 'a \"quoted\", multi\nline ✓'); "
        "create table etl_back (like etl_src)");
    std::string db = dir / "db.sqlite";
    auto out = copy_table_and_report(pg_uri("table=etl_src"), "sqlite:" + db + "?table=s");
    INFO(out.err);
    REQUIRE(out.code == 0);
    CHECK(uio::testing::sqlite_column(db, "SELECT type FROM pragma_table_info('s')") ==
          "INTEGER|TEXT|REAL|TEXT|TEXT|TEXT");
    CHECK(uio::testing::sqlite_column(db, "SELECT quote(note) FROM s") ==
          "NULL|''|'a \"quoted\", multi\nline ✓'");
    auto back = copy_table_and_report("sqlite:" + db + "?table=s", pg_uri("table=etl_back"));
    INFO(back.err);
    REQUIRE(back.code == 0);
    CHECK(
        pg_column("select count(*) from (select * from etl_src except select * from etl_back) d") ==
        "0");
    CHECK(
        pg_column("select count(*) from (select * from etl_back except select * from etl_src) d") ==
        "0");
    CHECK(pg_column("select count(*) from etl_back") == "3");

    // A query as the source, and a hostile name (quoted: it starts with a quote) as the
    // destination table.
    pg_exec("drop table if exists \"\"\"; DROP TABLE etl_src; --\"");
    auto q =
        copy_table_and_report("sqlite:" + db + "?query=SELECT%20id,%20zip%20FROM%20s",
                              pg_uri("table=%22%22%22%3B%20DROP%20TABLE%20etl_src%3B%20--%22"));
    INFO(q.err);
    REQUIRE(q.code == 0);
    CHECK(pg_column("select count(*) from etl_src") == "3");
    CHECK(pg_column(
              "select string_agg(coalesce(zip, '-'), ',') from \"\"\"; DROP TABLE etl_src; --\"") ==
          "02134,00501,-");
}

TEST_CASE("connection failures and unknown tables: exit 1, no password in the message") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    auto r =
        copy_table_and_report("postgresql://postgres:s3cret@/no_such_db?table=t", dir / "o.csv");
    CHECK(r.code == 1);
    CHECK(r.err.find("no_such_db") != std::string::npos);
    CHECK(r.err.find("s3cret") == std::string::npos);
    auto missing = copy_table_and_report(pg_uri("table=etl_absent"), dir / "o.csv");
    CHECK(missing.code == 1);
    CHECK(missing.err.find("etl_absent") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "o.csv"));
}
