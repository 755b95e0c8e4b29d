// Every value checked, not only the sample (issue 24): a value at row 1,000,000 (200,000
// under ASan) that the server's lenient input function would take into the guessed type — and
// print back otherwise — widens its column instead, in PostgreSQL and SQLite, and the table
// exports back byte for byte. An exact integer never becomes a float. A .tsv is checked as the text
// format it is, and empty lines past the sample leave the check and its line numbers right.
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
using uio::testing::write_file;

namespace {

// One column per pair (guessed type, odd value): big_rows - 1 rows in the guessed type's
// printed form, then row big_rows with the odd value in every column.
//   d   date         2024-03-10 01:30:00   (PostgreSQL would drop the time)
//   z   integer      007                   (7)
//   b   boolean      yes                   (t)
//   tz  timestamptz  ... +05:30            (moved to UTC)
//   n   numeric      0.<17000 digits>      (rounded to numeric's 16383 digits)
//   r   double       0.12345678901234567890123  (rounded to a double)
//   i   integer      1.5                   (numeric: the integers stay exact)
//   big double       9007199254740993      (no double holds it: text, not numeric,
//                                          which would print 1.25 as 1.25 but 1e+20 in full)
std::string late_odd_csv() {
    std::string csv = "id,d,z,b,tz,n,r,i,big\n";
    csv.reserve(static_cast<std::size_t>(big_rows) * 90 + 20'000);
    for (int k = 1; k < big_rows; ++k) {
        std::string day = "2024-01-0" + std::to_string(k % 9 + 1);
        std::string key = std::to_string(k);
        csv += key + ',' + day + ',' + std::to_string(k % 900 + 100) + ',' + (k % 2 ? "t" : "f") +
               ',' + day + " 12:00:00+00," + key + ".50," + key + ".5," + key + ',' + key + ".25\n";
    }
    return csv + std::to_string(big_rows) + ",2024-03-10 01:30:00,007,yes," +
           "2024-03-10 01:30:00+05:30,0." + std::string(17'000, '3') +
           ",0.12345678901234567890123,1.5,9007199254740993\n";
}

}  // namespace

TEST_CASE(
    "CSV → PostgreSQL → CSV: odd values at row 1,000,000 (200,000 under ASan) widen their columns, "
    "exactly") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_odd");
    std::string csv = late_odd_csv();
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_odd"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_odd") == "bigint|text|text|text|text|text|text|numeric|text");
    auto dump = copy_table_and_report(pg_uri("table=etl_odd"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

TEST_CASE("CSV → SQLite → CSV: odd values at row 1,000,000 (200,000 under ASan) keep their text") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    std::string csv = late_odd_csv();
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t");
    INFO(load.err);
    REQUIRE(load.code == 0);
    // The INTEGER and REAL guesses widen to no declared type; the others were TEXT.
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") ==
          "INTEGER|TEXT||TEXT|TEXT|TEXT|||");
    CHECK(sqlite_column(db,
                        "SELECT typeof(z) || typeof(r) || typeof(i) || typeof(big) FROM t "
                        "WHERE id = " +
                            std::to_string(big_rows)) == "texttextrealinteger");
    auto dump = copy_table_and_report("sqlite:" + db + "?table=t", dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

TEST_CASE("an exact integer never becomes a float: integers and decimals are numeric") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    const std::string csv = "n\n9007199254740993\n1.5\n";
    write_file(dir / "in.csv", csv);
    auto lite = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t");
    INFO(lite.err);
    REQUIRE(lite.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "TEXT");
    REQUIRE(copy_table_and_report("sqlite:" + db + "?table=t", dir / "lite.csv").code == 0);
    CHECK(read_file(dir / "lite.csv") == csv);

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_exact");
    auto pg = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_exact"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_types("etl_exact") == "numeric");
    REQUIRE(copy_table_and_report(pg_uri("table=etl_exact"), dir / "pg.csv").code == 0);
    CHECK(read_file(dir / "pg.csv") == csv);
}

TEST_CASE(
    "parallel load (--connections): odd values past the sample widen their columns, exactly") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists etl_odd_n");
    std::string csv = "id,d,z\n";
    for (int k = 1; k <= 200'000; ++k) {
        csv += std::to_string(k) + ",2024-01-0" + std::to_string(k % 9 + 1) + "," +
               std::to_string(k % 900 + 100) + "\n";
    }
    csv += "200001,2024-03-10 01:30:00,007\n";
    write_file(dir / "in.csv", csv);
    uio::etl::table_copy_options o;
    o.connections = 3;
    auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_odd_n"), o);
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_types("etl_odd_n") == "bigint|text|text");
    // N streams load in no set order: exported in the file's.
    REQUIRE(copy_table_and_report(pg_uri("query=select%20*%20from%20etl_odd_n%20order%20by%20id"),
                                  dir / "out.csv")
                .code == 0);
    CHECK(read_file(dir / "out.csv") == csv);
}

namespace {

// A .tsv (PostgreSQL's text format) of `rows` canonical rows and one odd row past the sample:
// a stray quote early on (which a CSV reading would take as opening a quoted field), escapes,
// \N in the integer column, and at the end a date that meets a timestamp.
std::string late_odd_tsv(int rows) {
    std::string tsv = "id\td\tnote\tn\n";
    for (int k = 1; k <= rows; ++k) {
        std::string note = k == 7 ? "say \"hi" : k % 1000 == 0 ? "a\\tb\\\\c\\nd" : "x";
        tsv += std::to_string(k) + "\t2024-01-0" + std::to_string(k % 9 + 1) + '\t' + note + '\t' +
               (k % 500 == 0 ? std::string("\\N") : std::to_string(k % 900 + 100)) + '\n';
    }
    return tsv + std::to_string(rows + 1) + "\t2024-03-10 01:30:00\ttab\\there\t\\N\n";
}

}  // namespace

TEST_CASE("TSV → PostgreSQL → TSV: the text format checked past the sample, byte for byte") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    const std::string tsv = late_odd_tsv(200'000);
    write_file(dir / "in.tsv", tsv);
    for (unsigned connections : {1u, 3u}) {
        INFO(connections);
        pg_exec("drop table if exists etl_odd_tsv");
        uio::etl::table_copy_options o;
        o.connections = connections;
        auto load = copy_table_and_report(dir / "in.tsv", pg_uri("table=etl_odd_tsv"), o);
        INFO(load.err);
        REQUIRE(load.code == 0);
        // The date column widened (the server would have dropped the time); \N left the
        // integer column an integer; the escapes are the server's.
        CHECK(pg_types("etl_odd_tsv") == "bigint|text|text|bigint");
        CHECK(pg_column("select note = E'a\\tb\\\\c\\nd' from etl_odd_tsv where id = 1000") == "t");
        CHECK(pg_column("select count(*) from etl_odd_tsv where n is null") == "401");
        auto dump = copy_table_and_report(
            pg_uri("query=select%20*%20from%20etl_odd_tsv%20order%20by%20id"), dir / "out.tsv");
        INFO(dump.err);
        REQUIRE(dump.code == 0);
        CHECK(read_file(dir / "out.tsv") == tsv);
    }
}

TEST_CASE("a checked load past an empty line: the line skipped, the value checked, lines right") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    for (const char* ext : {"csv", "tsv"}) {
        const char sep = ext[0] == 'c' ? ',' : '\t';
        std::string text = std::string("id") + sep + "d\n";
        for (int k = 1; k <= 200'000; ++k) {
            text += std::to_string(k) + sep + "2024-01-0" + std::to_string(k % 9 + 1) + "\n";
        }
        const std::string good = text + "\n200001" + sep + "2024-03-10 01:30:00\n";
        // The same with a short record after the empty line: its own line named (200,004).
        const std::string bad = good + "200002\n";
        const std::string in = dir / (std::string("in.") + ext);
        const std::string in_bad = dir / (std::string("bad.") + ext);
        write_file(in, good);
        write_file(in_bad, bad);
        for (unsigned connections : {1u, 3u}) {
            INFO(ext << " connections=" << connections);
            pg_exec("drop table if exists etl_blank_check");
            uio::etl::table_copy_options o;
            o.connections = connections;
            o.stats_json = true;
            auto load = copy_table_and_report(in, pg_uri("table=etl_blank_check"), o);
            INFO(load.err);
            REQUIRE(load.code == 0);
            CHECK_THAT(load.out, Catch::Contains("\"blank_lines\": 1"));
            CHECK(pg_types("etl_blank_check") == "bigint|text");
            CHECK(pg_column("select d from etl_blank_check where id = 200001") ==
                  "2024-03-10 01:30:00");
            pg_exec("drop table if exists etl_blank_check");
            auto failed = copy_table_and_report(in_bad, pg_uri("table=etl_blank_check"), o);
            CHECK(failed.code == 1);
            CHECK_THAT(failed.err, Catch::Contains(std::string("bad.") + ext + ":200004:"));
        }
    }
}
