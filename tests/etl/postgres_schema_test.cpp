// ?table=schema.table into PostgreSQL: the table is found and created in that schema (not
// public."schema.table"), every mode and an export work there, a quoted name holding a dot
// is one name, and a missing schema is a clear database error.
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::write_file;

TEST_CASE("?table=schema.table loads into that schema, creating the table there") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop schema if exists etl_s cascade; create schema etl_s; "
        "drop table if exists public.t_in_s, public.\"etl_s.t_in_s\", public.\"a.b\"");
    write_file(dir / "in.csv", "id,name\n1,a\n2,b\n");

    auto created = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_s.t_in_s"));
    INFO(created.err);
    REQUIRE(created.code == 0);
    CHECK(pg_column("select count(*) from etl_s.t_in_s") == "2");
    CHECK(pg_column("select count(*) from pg_tables where tablename like '%t_in_s%' "
                    "and schemaname <> 'etl_s'") == "0");

    // An existing table there: append, replace (swapped in inside the schema), export.
    auto appended = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_s.t_in_s"));
    REQUIRE(appended.code == 0);
    CHECK(pg_column("select count(*) from etl_s.t_in_s") == "4");
    uio::etl::table_copy_options replace;
    replace.mode = uio::etl::load_mode::replace;
    auto replaced = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_s.t_in_s"), replace);
    INFO(replaced.err);
    REQUIRE(replaced.code == 0);
    CHECK(pg_column("select count(*) from etl_s.t_in_s") == "2");
    CHECK(pg_column("select string_agg(tablename, ',') from pg_tables "
                    "where schemaname = 'etl_s'") == "t_in_s");
    auto exported = copy_table_and_report(pg_uri("table=etl_s.t_in_s"), dir / "out.csv");
    REQUIRE(exported.code == 0);
    CHECK(read_file(dir / "out.csv") == "id,name\n1,a\n2,b\n");

    // A table of that name in public is not the one in the schema.
    pg_exec("create table public.t_in_s (other text)");
    auto again = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_s.t_in_s"));
    CHECK(again.code == 0);
    CHECK(pg_column("select count(*) from public.t_in_s") == "0");

    // A quoted name holding a dot is one name, in the search path's schema.
    auto dotted = copy_table_and_report(dir / "in.csv", pg_uri("table=%22a.b%22"));
    INFO(dotted.err);
    REQUIRE(dotted.code == 0);
    CHECK(pg_column("select count(*) from public.\"a.b\"") == "2");

    // A schema that does not exist: a database error, nothing created.
    auto missing = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_nope.t"));
    CHECK(missing.code == 1);
    CHECK_THAT(missing.err, Catch::Contains("no schema 'etl_nope'"));
    pg_exec("drop schema etl_s cascade; drop table public.t_in_s, public.\"a.b\"");
}
