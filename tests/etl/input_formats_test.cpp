// The files people have: empty lines (a trailing one, a blank second line) skipped and
// counted; .tsv read and written as PostgreSQL's text format (IMDb's datasets, COPY's own
// dumps: quotes are data, \N is NULL, backslash escapes), the same into SQLite and
// PostgreSQL, and exported back byte for byte.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "uio/db/formats/csv_writer.hpp"
#include "uio/db/formats/tsv_reader.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::write_file;

namespace {

std::string lite(const uio::testing::temp_dir& dir, const std::string& table) {
    return "sqlite:" + (dir / "db.sqlite") + "?table=" + table;
}

uio::etl::table_copy_options with_stats() {
    uio::etl::table_copy_options o;
    o.stats_json = true;
    return o;
}

// Every row of a tsv_reader's parse as "a|b|<NULL>" lines.
std::string rows_of(const std::string& text, uio::formats::csv_options o = {}) {
    o.delimiter = '\t';
    o.text_format = true;
    uio::formats::tsv_reader reader(o);
    std::string out;
    auto take = [&](const uio::formats::csv_batch& b) {
        for (auto row : b) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                out += i ? "|" : "";
                out += row[i] ? std::string(*row[i]) : "<NULL>";
            }
            out += "\n";
        }
    };
    take(reader.feed(text));
    take(reader.finish());
    return out;
}

std::string error_of(const std::string& text) {
    try {
        rows_of(text);
    } catch (const uio::formats::parse_error& e) {
        return e.location_message();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("empty lines hold no record in a file of several columns, into both databases") {
    uio::testing::temp_dir dir;
    for (const char* text : {"a,b\n\n1,2\n3,4\n\n", "a,b\r\n\r\n1,2\r\n3,4\r\n\r\n"}) {
        INFO(text);
        write_file(dir / "in.csv", text);
        auto r = copy_table_and_report(dir / "in.csv", lite(dir, "t"), with_stats());
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("\"rows\": 2,"));
        CHECK_THAT(r.out, Catch::Contains("\"blank_lines\": 2"));
        CHECK(sqlite_column(dir / "db.sqlite", "SELECT a || b FROM t ORDER BY a") == "12|34");
        uio::testing::sqlite_exec(dir / "db.sqlite", "DROP TABLE t");

        uio::testing::require_cluster();
        pg_exec("drop table if exists etl_blank");
        auto p = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_blank"), with_stats());
        INFO(p.err);
        REQUIRE(p.code == 0);
        CHECK_THAT(p.out, Catch::Contains("\"rows\": 2,"));
        CHECK_THAT(p.out, Catch::Contains("\"blank_lines\": 2"));
        CHECK(pg_column("select string_agg(a::text || b::text, ',' order by a) from etl_blank") ==
              "12,34");
    }
    // In a one-column file an empty line is a NULL, as PostgreSQL reads it and as
    // exports write it: kept, so the file round-trips.
    write_file(dir / "one.csv", "a\n1\n\n2\n");
    auto one = copy_table_and_report(dir / "one.csv", lite(dir, "one"));
    REQUIRE(one.code == 0);
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT quote(a) FROM one ORDER BY rowid") ==
          "1|NULL|2");
    // A later bad record still names its own line, blank lines counted in.
    write_file(dir / "bad.csv", "a,b\n\n1,2\n\n3\n");
    pg_exec("drop table if exists etl_blank");
    auto bad = copy_table_and_report(dir / "bad.csv", pg_uri("table=etl_blank"));
    CHECK(bad.code == 1);
    CHECK_THAT(bad.err, Catch::Contains("bad.csv:5:"));
}

TEST_CASE("tsv_reader reads PostgreSQL's text format") {
    CHECK(rows_of("a\tb\n\"q\" x\t\\N\n") == "\"q\" x|<NULL>\n");
    CHECK(rows_of("a\tb\nx\\ty\\n\\\\\t\\r\\b\\f\\v\n") == "x\ty\n\\|\r\b\f\v\n");
    CHECK(rows_of("a\tb\n\\101\\x42\\x4a\\q\t\\\\N\n") == "ABJq|\\N\n");
    CHECK(rows_of("a\tb\nx\\\ty\tz\n") == "x\ty|z\n");  // an escaped TAB is data
    CHECK(rows_of("a\tb\r\n1\t2\r\n\r\n3\t4") == "1|2\n3|4\n");
    CHECK(rows_of("\xEF\xBB\xBF"
                  "a\n1\n\n") == "1\n\n");  // one column: an empty string
    CHECK(error_of("a\tb\n1\n") == "<input>:2:2: too few fields: 1 instead of 2");
    CHECK(error_of("a\tb\n1\t2\t3\n") ==
          "<input>:2:5: too many fields: expected 2 (as in the header)");
    CHECK(error_of("a\tb\nx\\") == "<input>:2:2: a backslash at the end of a line (write \\n)");
    CHECK(error_of("a\ta\n") == "<input>:1:3: duplicate column name \"a\"");
    CHECK(error_of("a\t\\N\n") ==
          "<input>:1:3: field 2 of the header is empty (a column needs a name)");
    CHECK(error_of("a\n\\xff\n") == "<input>:2:5: invalid UTF-8 (made by escapes)");
    CHECK(error_of("a\nx\\0\n") == "<input>:2:2: NUL byte (\\0)");
}

TEST_CASE("csv_writer's text format escapes what tsv_reader reads back") {
    uio::formats::csv_options o;
    o.delimiter = '\t';
    o.text_format = true;
    uio::formats::csv_writer w(o);
    std::string out;
    w.write_header({"a", "b"}, out);
    std::vector<uio::formats::field> row{std::string_view("t\tn\nr\rb\\\"q\""), std::nullopt};
    w.write_row(row, out);
    w.write_row({"", "\\N"}, out);
    CHECK(out == "a\tb\nt\\tn\\nr\\rb\\\\\"q\"\t\\N\n\t\\\\N\n");
    CHECK(rows_of(out) == "t\tn\nr\rb\\\"q\"|<NULL>\n|\\N\n");
}

TEST_CASE("IMDb-style .tsv into SQLite and PostgreSQL, and back to .tsv byte for byte") {
    uio::testing::temp_dir dir;
    const std::string tsv =
        "tconst\ttitleType\tprimaryTitle\tisAdult\tstartYear\truntimeMinutes\tgenres\n"
        "tt0000001\tshort\tCarmencita\t0\t1894\t1\tDocumentary,Short\n"
        "tt0000002\tmovie\t\"Quoted\" Title\t0\t1892\t\\N\tAnimation\n"
        "tt0000003\tmovie\tBack\\\\slash\\tand tab\t0\t\\N\t\\N\t\\N\n";
    write_file(dir / "title.basics.tsv", tsv);

    auto load = copy_table_and_report(dir / "title.basics.tsv", lite(dir, "titles"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    std::string db = dir / "db.sqlite";
    CHECK(sqlite_column(db, "SELECT primaryTitle FROM titles ORDER BY tconst") ==
          "Carmencita|\"Quoted\" Title|Back\\slash\tand tab");
    CHECK(sqlite_column(db, "SELECT quote(runtimeMinutes) FROM titles ORDER BY tconst") ==
          "1|NULL|NULL");
    auto dump = copy_table_and_report(lite(dir, "titles"), dir / "out.tsv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.tsv") == tsv);

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_titles");
    auto pg = copy_table_and_report(dir / "title.basics.tsv", pg_uri("table=etl_titles"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_column("select \"primaryTitle\" from etl_titles order by tconst") ==
          "Carmencita|\"Quoted\" Title|Back\\slash\tand tab");
    CHECK(pg_column("select count(*) from etl_titles where \"runtimeMinutes\" is null") == "2");
    auto pg_dump = copy_table_and_report(pg_uri("table=etl_titles"), dir / "pg.tsv");
    INFO(pg_dump.err);
    REQUIRE(pg_dump.code == 0);
    CHECK(read_file(dir / "pg.tsv") == tsv);
}

TEST_CASE("CSV quotes as COPY reads them, the same in both databases; --strict refuses them") {
    uio::testing::temp_dir dir;
    std::string in = dir / "in.csv";
    write_file(in, "id,title\n1,The \"Best\" One\n2,\"Cut\" short\n3,plain\n");
    auto r = copy_table_and_report(in, lite(dir, "t"), with_stats());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"warnings\": 2"));
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT title FROM t ORDER BY id") ==
          "The Best One|Cut short|plain");

    uio::etl::table_copy_options strict;
    strict.strict = true;
    auto refused = copy_table_and_report(in, lite(dir, "strict"), strict);
    CHECK(refused.code == 1);
    CHECK_THAT(refused.err, Catch::Contains(in + ":2:7: quote character inside an unquoted field"));

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_quotes");
    auto pg = copy_table_and_report(in, pg_uri("table=etl_quotes"));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_column("select string_agg(title, '|' order by id) from etl_quotes") ==
          "The Best One|Cut short|plain");
    pg_exec("drop table if exists etl_quotes");
    auto pg_refused = copy_table_and_report(in, pg_uri("table=etl_quotes"), strict);
    CHECK(pg_refused.code == 1);
    CHECK_THAT(pg_refused.err,
               Catch::Contains(in + ":2:7: quote character inside an unquoted field"));
    CHECK(pg_column("select count(*) from pg_tables where tablename = 'etl_quotes'") == "0");
}

TEST_CASE("empty lines with --connections N: left out of each block, later lines still mapped") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    std::string text = "a,b\n\n";
    for (int i = 1; i <= 150000; ++i) {
        text += std::to_string(i) + ",\"x\n\n\"\n";  // an empty line inside quotes is data
        if (i % 50000 == 0) text += "\r\n";
    }
    text += "\n";
    write_file(dir / "in.csv", text);
    pg_exec("drop table if exists etl_blank_par");
    uio::etl::table_copy_options o = with_stats();
    o.connections = 3;
    auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_blank_par"), o);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"rows\": 150000,"));
    CHECK_THAT(r.out, Catch::Contains("\"blank_lines\": 5"));
    CHECK(pg_column("select count(*) from etl_blank_par where b = E'x\\n\\n'") == "150000");
    // A bad record after empty lines names its own line.
    text += "oops\n";
    write_file(dir / "bad.csv", text);
    pg_exec("drop table if exists etl_blank_par");
    auto bad = copy_table_and_report(dir / "bad.csv", pg_uri("table=etl_blank_par"), o);
    CHECK(bad.code == 1);
    CHECK_THAT(bad.err,
               Catch::Contains("bad.csv:" + std::to_string(2 + 150000 * 3 + 3 + 1 + 1) + ":"));
}
