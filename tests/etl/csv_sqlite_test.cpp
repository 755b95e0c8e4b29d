// CSV ↔ SQLite: byte-identical round trips with tricky data, modes, atomic loads and
// exports, bad input with precise messages, --max-errors/--rejects, hostile names.
#include <catch2/catch.hpp>

#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::sqlite_uri;
using uio::testing::write_file;

TEST_CASE("CSV → SQLite → CSV is byte-identical, NULL and empty string kept apart") {
    uio::testing::temp_dir dir;
    std::string csv = uio::testing::tricky_csv(true);
    write_file(dir / "in.csv", csv);
    auto load = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    std::string db = dir / "db.sqlite";
    // Types inferred: ZIP codes stay text, prices are REAL, ids INTEGER.
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") ==
          "INTEGER|TEXT|TEXT|REAL|TEXT|TEXT");
    CHECK(sqlite_column(db, "SELECT quote(zip) FROM t WHERE id <= 3") == "'02134'|'10001'|'00501'");
    CHECK(sqlite_column(db, "SELECT quote(note) FROM t WHERE id <= 4") == "NULL|''|'NULL'|'\\N'");
    CHECK(sqlite_column(db, "SELECT length(name) FROM t WHERE id = 6") == "1048576");

    auto dump = copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.csv") == csv);

    // --fsync changes when the file is renamed into place, not what it holds or its mode.
    uio::etl::table_copy_options durable;
    durable.fsync = true;
    auto synced = copy_table_and_report(sqlite_uri(dir, "t"), dir / "synced.csv", durable);
    INFO(synced.err);
    REQUIRE(synced.code == 0);
    CHECK(read_file(dir / "synced.csv") == csv);
    CHECK(std::filesystem::status(dir / "out.csv").permissions() ==
          std::filesystem::status(dir / "synced.csv").permissions());
}

TEST_CASE("a constraint violation in the middle of a batch names its line and loads nothing") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    uio::testing::sqlite_exec(
        db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (500, 'old')");
    // Rows 1..1000 (multi-row INSERTs of many rows each); row 10 spans two lines, so the
    // row with id k starts on line k + 2 from there on.
    std::string csv = "id,v\n";
    for (int k = 1; k <= 1000; ++k) {
        csv +=
            std::to_string(k) + (k == 10 ? ",\"two\nlines\"\n" : ",v" + std::to_string(k) + "\n");
    }
    write_file(dir / "in.csv", csv);
    auto r = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"));
    CHECK(r.code == 1);
    CHECK(r.err.find("in.csv:502: UNIQUE constraint failed: t.id") != std::string::npos);
    CHECK(sqlite_column(db, "SELECT count(*) || ' ' || v FROM t") == "1 old");
}

TEST_CASE(
    "TSV with --no-header appends by position, --null names the NULL string, quotes are data") {
    uio::testing::temp_dir dir;
    write_file(dir / "a.tsv", "1\tx y\t\\N\n2\t\t\"q\"\n");
    uio::etl::table_copy_options o;
    o.header = false;
    o.null_string = "\\N";
    auto r = copy_table_and_report(dir / "a.tsv", sqlite_uri(dir, "t"), o);
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::string db = dir / "db.sqlite";
    CHECK(sqlite_column(db, "SELECT name FROM pragma_table_info('t')") == "c1|c2|c3");
    CHECK(sqlite_column(db, "SELECT quote(c3) FROM t") == "NULL|'\"q\"'");
    CHECK(sqlite_column(db, "SELECT quote(c2) FROM t") == "'x y'|''");
}

TEST_CASE("modes: append adds, replace swaps, fail-if-exists refuses and changes nothing") {
    uio::testing::temp_dir dir;
    write_file(dir / "a.csv", "id,v\n1,a\n2,b\n");
    write_file(dir / "b.csv", "id,w\n7,z\n");
    std::string db = dir / "db.sqlite";
    REQUIRE(copy_table_and_report(dir / "a.csv", sqlite_uri(dir, "t")).code == 0);
    REQUIRE(copy_table_and_report(dir / "a.csv", sqlite_uri(dir, "t")).code == 0);
    CHECK(sqlite_column(db, "SELECT count(*) FROM t") == "4");

    uio::etl::table_copy_options fail;
    fail.mode = uio::etl::load_mode::fail_if_exists;
    auto refused = copy_table_and_report(dir / "a.csv", sqlite_uri(dir, "t"), fail);
    CHECK(refused.code == 1);
    CHECK(refused.err.find("exists") != std::string::npos);
    CHECK(sqlite_column(db, "SELECT count(*) FROM t") == "4");

    uio::etl::table_copy_options replace;
    replace.mode = uio::etl::load_mode::replace;
    REQUIRE(copy_table_and_report(dir / "b.csv", sqlite_uri(dir, "t"), replace).code == 0);
    CHECK(sqlite_column(db, "SELECT id || w FROM t") == "7z");
    CHECK(sqlite_column(db, "SELECT count(*) FROM sqlite_master") == "1");
}

TEST_CASE("a failing load leaves the table exactly as it was (append and replace)") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "good.csv", "id,v\n1,a\n");
    REQUIRE(copy_table_and_report(dir / "good.csv", sqlite_uri(dir, "t")).code == 0);
    // Many good rows, spanning several chunks, then an unterminated quote at the very end.
    std::string bad = "id,v\n";
    for (int i = 0; i < 200'000; ++i) bad += std::to_string(i) + ",row " + std::to_string(i) + "\n";
    bad += "5,\"never closed\n";
    write_file(dir / "bad.csv", bad);
    for (auto mode : {uio::etl::load_mode::append, uio::etl::load_mode::replace}) {
        uio::etl::table_copy_options o;
        o.mode = mode;
        auto r = copy_table_and_report(dir / "bad.csv", sqlite_uri(dir, "t"), o);
        CHECK(r.code == 1);
        CHECK(r.err.find("bad.csv:200002:3: unterminated quoted field") != std::string::npos);
        CHECK(r.err.find("never closed") != std::string::npos);  // the excerpt
        CHECK(sqlite_column(db, "SELECT group_concat(id || v) FROM t") == "1a");
        CHECK(sqlite_column(db, "SELECT count(*) FROM sqlite_master") == "1");
    }
}

TEST_CASE("bad input: each a clear message and exit code 1") {
    uio::testing::temp_dir dir;
    struct bad_case {
        std::string content;
        std::string expected;
    };
    std::vector<bad_case> cases = {
        {"a,b\n1,2\n3\n", "in.csv:3:2: too few fields"},
        {"a,b\n1,2,3\n", "in.csv:2:5: too many fields"},
        {"a,b\n1,\xff\n", "in.csv:2:3: invalid UTF-8"},
        {std::string("a,b\n1,x\0y\n", 11), "in.csv:2:4: NUL byte"},
    };
    for (const auto& c : cases) {
        write_file(dir / "in.csv", c.content);
        auto r = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"));
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find(c.expected) != std::string::npos);
    }
    auto missing = copy_table_and_report(dir / "nope.csv", sqlite_uri(dir, "t"));
    CHECK(missing.code == 1);
    CHECK(missing.err.find("nope.csv") != std::string::npos);
    // (The failed loads above left no database: it is made here, without that table.)
    uio::testing::sqlite_exec(dir / "db.sqlite", "CREATE TABLE other (x)");
    auto no_table = copy_table_and_report(sqlite_uri(dir, "absent"), dir / "out.csv");
    CHECK(no_table.code == 1);
    CHECK(no_table.err.find("no such table: absent") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out.csv"));
}

TEST_CASE("values that do not fit a declared INTEGER column: error, or rejects with --max-errors") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "strict.csv", "id,n\n1,10\n2,ten\n3,30\n");
    write_file(dir / "in.csv", "id,n\n1,10\n2,ten\n3,30\n4,5,extra\n5,1.5\n");
    uio::etl::table_copy_options typed;
    typed.schema = "n integer";
    auto strict = copy_table_and_report(dir / "strict.csv", sqlite_uri(dir, "t"), typed);
    CHECK(strict.code == 1);
    CHECK(strict.err.find("strict.csv:3: column n: 'ten' is not an integer") != std::string::npos);
    CHECK(sqlite_column(db, "SELECT count(*) FROM sqlite_master") == "0");

    typed.max_errors = 3;
    typed.rejects_path = dir / "rejects.txt";
    auto lenient = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"), typed);
    INFO(lenient.err);
    REQUIRE(lenient.code == 0);
    CHECK(sqlite_column(db, "SELECT group_concat(n) FROM t") == "10,30");
    std::string rejects = read_file(dir / "rejects.txt");
    CHECK(rejects.find("in.csv:3: column n: 'ten' is not an integer\n    2,ten\n") !=
          std::string::npos);
    CHECK(rejects.find("in.csv:5: 3 fields instead of 2") != std::string::npos);
    CHECK(rejects.find("in.csv:6: column n: '1.5' is not an integer") != std::string::npos);

    typed.max_errors = 2;
    typed.mode = uio::etl::load_mode::replace;
    auto over = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"), typed);
    CHECK(over.code == 1);
    CHECK(over.err.find("more than --max-errors=2") != std::string::npos);
    CHECK(sqlite_column(db, "SELECT group_concat(n) FROM t") == "10,30");
}

TEST_CASE("hostile table and column names stay names") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "in.csv", "\"a\"\"; DROP TABLE x; --\",b\n1,2\n");
    uio::testing::sqlite_exec(db, "CREATE TABLE x (k); INSERT INTO x VALUES (1)");
    std::string name = "\"; DROP TABLE x; --";
    auto r = copy_table_and_report(dir / "in.csv",
                                   sqlite_uri(dir, "%22%22%22%3B%20DROP%20TABLE%20x%3B%20--%22"));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(sqlite_column(db, "SELECT count(*) FROM x") == "1");
    CHECK(sqlite_column(db, "SELECT name FROM sqlite_master ORDER BY name") == name + "|x");
    auto back = copy_table_and_report(sqlite_uri(dir, "%22%22%22%3B%20DROP%20TABLE%20x%3B%20--%22"),
                                      dir / "o.csv");
    REQUIRE(back.code == 0);
    CHECK(read_file(dir / "o.csv") == "\"a\"\"; DROP TABLE x; --\",b\n1,2\n");
}

TEST_CASE("a failed export leaves no file under the final name, nor a temporary one") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    uio::testing::sqlite_exec(
        db, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (-9223372036854775807 - 1)");
    // abs() of the smallest integer fails on the second row, after output has begun.
    auto r = copy_table_and_report("sqlite:" + db + "?query=SELECT%20abs(v)%20FROM%20t",
                                   dir / "out.csv");
    CHECK(r.code == 1);
    CHECK(r.err.find("integer overflow") != std::string::npos);
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"db.sqlite"});
}

TEST_CASE("dry run prints the plan and writes nothing, JSON stats count") {
    uio::testing::temp_dir dir;
    write_file(dir / "in.csv", "id,zip\n1,02134\n");
    uio::etl::table_copy_options o;
    o.dry_run = true;
    o.schema = "id bigint";
    auto plan = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"), o);
    REQUIRE(plan.code == 0);
    CHECK(plan.out.find("mode:        append") != std::string::npos);
    CHECK(plan.out.find("  id bigint\n  zip TEXT\n") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "db.sqlite"));

    uio::etl::table_copy_options s;
    s.stats_json = true;
    auto stats = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"), s);
    REQUIRE(stats.code == 0);
    CHECK(stats.out.find("\"rows\": 1,") != std::string::npos);
    CHECK(stats.out.find("\"bytes\": 15,") != std::string::npos);
    CHECK(stats.out.find("\"errors\": 0}") != std::string::npos);

    uio::etl::table_copy_options bad;
    bad.schema = "id int; drop table x";
    CHECK(copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t"), bad).code == 2);
}
