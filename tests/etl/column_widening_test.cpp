// Inference that cannot refuse valid input: a table ucopy creates takes its column types from
// a sample, and a later value that does not fit widens its column instead of failing the
// load (README, "ucopy: copying tables"). Each test exports the table back (or selects it)
// and compares: every value must come back exactly as it went in. Declared types — --schema,
// a table that exists — still refuse, and a failed load still changes nothing.
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::table_copy;
using uio::testing::write_file;

namespace {

std::string sqlite_uri(const uio::testing::temp_dir& dir, const std::string& table) {
    return "sqlite:" + (dir / "db.sqlite") + "?table=" + table;
}

std::string pg_types(const std::string& table) {
    return pg_column(
        "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = '" + table +
        "'::regclass and attnum > 0 order by attnum");
}

}  // namespace

TEST_CASE("CSV: a last record without a line end is in the sample (SQLite, PostgreSQL)") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "nonl.csv", "a,b\n1,2\n3,x");
    auto load = table_copy(dir / "nonl.csv", sqlite_uri(dir, "t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER|TEXT");
    CHECK(sqlite_column(db, "SELECT quote(b) FROM t") == "'2'|'x'");
    REQUIRE(table_copy(sqlite_uri(dir, "t"), dir / "out.csv").code == 0);
    CHECK(read_file(dir / "out.csv") == "a,b\n1,2\n3,x\n");

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_nonl");
    auto pg = table_copy(dir / "nonl.csv", pg_uri("table=etl_nonl"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_types("etl_nonl") == "bigint|text");
    REQUIRE(table_copy(pg_uri("table=etl_nonl"), dir / "pg_out.csv").code == 0);
    CHECK(read_file(dir / "pg_out.csv") == "a,b\n1,2\n3,x\n");
}
