// --mode upsert --key: into PostgreSQL (staging table + INSERT ... ON CONFLICT) and SQLite
// (INSERT ... ON CONFLICT per batch): half new and half existing rows, composite keys, the
// key index a created table gets, bad keys refused before anything changes, bad rows leaving
// the table as it was, repeated keys (the last row wins), NULL keys, and the counts --stats
// reports.
#include <catch2/catch.hpp>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "table_copy_cli.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::sqlite_exec;
using uio::testing::write_file;

namespace {

uio::etl::table_copy_options upsert(std::vector<std::string> key) {
    uio::etl::table_copy_options o;
    o.mode = uio::etl::load_mode::upsert;
    o.key = std::move(key);
    o.stats_json = true;
    return o;
}

// ids first..last, name "v<id>-<tag>".
std::string rows_csv(int first, int last, const std::string& tag) {
    std::string csv = "id,name\n";
    for (int i = first; i <= last; ++i) {
        csv += std::to_string(i) + ",v" + std::to_string(i) + "-" + tag + "\n";
    }
    return csv;
}

// argv for table_copy_main.
struct command_line {
    std::vector<std::string> words;
    std::vector<char*> argv;
    explicit command_line(std::vector<std::string> w) : words(std::move(w)) {
        for (auto& s : words) argv.push_back(s.data());
        argv.push_back(nullptr);
    }
    int run() { return uio::etl::table_copy_main(static_cast<int>(words.size()), argv.data()); }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("upsert into PostgreSQL: existing keys updated, new keys inserted, counted") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists up_pg; create table up_pg (id bigint primary key, name text, "
        "  extra text default 'kept'); "
        "insert into up_pg (id, name, extra) select g, 'old', 'x' from generate_series(1, 500) g");
    write_file(dir / "in.csv", rows_csv(251, 750, "new"));
    auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg"), upsert({"id"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"rows\": 500"));
    CHECK(has(r.out, "\"inserted\": 250, \"updated\": 250"));
    CHECK(pg_column("select count(*) from up_pg") == "750");
    CHECK(pg_column("select count(*) from up_pg where name = 'old'") == "250");
    CHECK(pg_column("select name || ' ' || extra from up_pg where id in (1, 300, 700) "
                    "order by id") == "old x|v300-new x|v700-new kept");
}

TEST_CASE("upsert into PostgreSQL: a created table gets the key; composite keys; JSON Lines") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec("drop table if exists up_pg_made");
    write_file(dir / "a.jsonl",
               "{\"region\": \"eu\", \"day\": 1, \"n\": 10}\n"
               "{\"region\": \"us\", \"day\": 1, \"n\": 20}\n");
    auto first = copy_table_and_report(dir / "a.jsonl", pg_uri("table=up_pg_made"),
                                       upsert({"region", "day"}));
    INFO(first.err);
    REQUIRE(first.code == 0);
    CHECK(pg_column("select pg_get_indexdef(indexrelid) from pg_index where indrelid = "
                    "'up_pg_made'::regclass and indisprimary") ==
          "CREATE UNIQUE INDEX up_pg_made_pkey ON public.up_pg_made USING btree (region, day)");
    write_file(dir / "b.jsonl",
               "{\"region\": \"us\", \"day\": 1, \"n\": 21}\n"
               "{\"region\": \"us\", \"day\": 2, \"n\": 30}\n");
    auto second = copy_table_and_report(dir / "b.jsonl", pg_uri("table=up_pg_made"),
                                        upsert({"day", "region"}));
    INFO(second.err);
    REQUIRE(second.code == 0);
    CHECK(has(second.out, "\"inserted\": 1, \"updated\": 1"));
    CHECK(pg_column("select region || day || '=' || n from up_pg_made order by region, day") ==
          "eu1=10|us1=21|us2=30");
}

TEST_CASE("upsert into PostgreSQL: bad keys are refused before anything changes") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists up_pg_bad; create table up_pg_bad (id int, name text); "
        "insert into up_pg_bad values (1, 'old')");
    write_file(dir / "in.csv", rows_csv(1, 3, "new"));
    auto missing =
        copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_bad"), upsert({"nope"}));
    CHECK(missing.code == 1);
    CHECK(has(missing.err, "--key column 'nope' is not among the columns loaded (id, name)"));
    // No unique index on id yet; then one on (id, name) is not one on exactly (id).
    auto unindexed =
        copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_bad"), upsert({"id"}));
    CHECK(unindexed.code == 1);
    CHECK(has(unindexed.err, "has no primary key or unique index on exactly (id)"));
    pg_exec("create unique index on up_pg_bad (id, name)");
    CHECK(copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_bad"), upsert({"id"})).code ==
          1);
    // A partial unique index cannot decide a conflict either.
    pg_exec("create unique index on up_pg_bad (id) where id > 0");
    CHECK(copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_bad"), upsert({"id"})).code ==
          1);
    CHECK(pg_column("select id || name from up_pg_bad") == "1old");
    // A plain unique index on exactly the key does (and without --stats, nothing is counted).
    pg_exec("create unique index on up_pg_bad (id)");
    auto quiet = upsert({"id"});
    quiet.stats_json = false;
    auto ok = copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_bad"), quiet);
    INFO(ok.err);
    CHECK(ok.code == 0);
    CHECK(pg_column("select string_agg(id || name, ',' order by id) from up_pg_bad") ==
          "1v1-new,2v2-new,3v3-new");
}

TEST_CASE("upsert into PostgreSQL: a bad row or a NULL key leaves the table as it was") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists up_pg_rows; create table up_pg_rows (id int primary key, n int); "
        "insert into up_pg_rows values (1, 1), (2, 2)");
    std::string csv = "id,n\n1,10\n";
    for (int i = 3; i < 2000; ++i) csv += std::to_string(i) + "," + std::to_string(i) + "\n";
    write_file(dir / "bad.csv", csv + "2000,oops\n2001,1\n");
    auto bad = copy_table_and_report(dir / "bad.csv", pg_uri("table=up_pg_rows"), upsert({"id"}));
    CHECK(bad.code == 1);
    CHECK(has(bad.err, "bad.csv:2000: invalid input syntax for type integer"));
    write_file(dir / "null.csv", csv + ",5\n");
    auto null_key =
        copy_table_and_report(dir / "null.csv", pg_uri("table=up_pg_rows"), upsert({"id"}));
    CHECK(null_key.code == 1);
    CHECK(has(null_key.err, "null.csv:2000: NULL in key column \"id\""));
    CHECK(pg_column("select string_agg(id || '=' || n, ',' order by id) from up_pg_rows") ==
          "1=1,2=2");
    // Under --max-errors both are skipped, and written to --rejects.
    write_file(dir / "both.csv", csv + "2000,oops\n,5\n2001,1\n");
    auto o = upsert({"id"});
    o.max_errors = 2;
    o.rejects_path = dir / "rejects.txt";
    auto skipped = copy_table_and_report(dir / "both.csv", pg_uri("table=up_pg_rows"), o);
    INFO(skipped.err);
    REQUIRE(skipped.code == 0);
    CHECK(has(read_file(dir / "rejects.txt"), "both.csv:2001: NULL in key column \"id\""));
    CHECK(has(read_file(dir / "rejects.txt"), "both.csv:2000: invalid input syntax"));
    CHECK(pg_column("select count(*) || ' ' || sum(n) from up_pg_rows") ==
          "2000 " + std::to_string(10 + 2 + 1 + (3 + 1999) * 1997 / 2));
}

TEST_CASE("upsert into PostgreSQL: a key repeated in the input ends with its last row") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists up_pg_dup; create table up_pg_dup (id int primary key, n int); "
        "insert into up_pg_dup values (1, 0)");
    write_file(dir / "in.csv", "id,n\n1,1\n2,1\n1,2\n3,1\n2,2\n1,3\n");
    auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_dup"), upsert({"id"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(pg_column("select string_agg(id || '=' || n, ',' order by id) from up_pg_dup") ==
          "1=3,2=2,3=1");
    CHECK(has(r.out, "\"rows\": 6, \"bytes\""));
    CHECK(has(r.out, "\"inserted\": 2, \"updated\": 4"));
    // Every column a key: DO NOTHING, repeated or not.
    pg_exec(
        "drop table if exists up_pg_set; create table up_pg_set (a int, b int, primary key (a, "
        "b))");
    write_file(dir / "set.csv", "a,b\n1,1\n1,1\n1,2\n");
    auto quiet = upsert({"a", "b"});
    quiet.stats_json = false;
    auto set = copy_table_and_report(dir / "set.csv", pg_uri("table=up_pg_set"), quiet);
    INFO(set.err);
    REQUIRE(set.code == 0);
    CHECK(pg_column("select count(*) from up_pg_set") == "2");
}

TEST_CASE("upsert into SQLite: existing keys updated, new keys inserted, counted") {
    uio::testing::temp_dir dir;
    std::string db = dir / "t.db";
    sqlite_exec(db,
                "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, extra TEXT DEFAULT 'kept');"
                "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 500) "
                "INSERT INTO t SELECT i, 'old', 'x' FROM g");
    write_file(dir / "in.csv", rows_csv(251, 750, "new"));
    auto r = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t", upsert({"ID"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"rows\": 500"));
    CHECK(has(r.out, "\"inserted\": 250, \"updated\": 250"));
    CHECK(sqlite_column(db, "SELECT count(*) FROM t") == "750");
    CHECK(sqlite_column(db, "SELECT count(*) FROM t WHERE name = 'old'") == "250");
    CHECK(sqlite_column(db,
                        "SELECT name || ' ' || extra FROM t WHERE id IN (1, 300, 700) "
                        "ORDER BY id") == "old x|v300-new x|v700-new kept");
}

TEST_CASE("upsert into SQLite: a created table gets the key; composite keys; repeated keys") {
    uio::testing::temp_dir dir;
    std::string db = dir / "t.db";
    write_file(dir / "a.jsonl",
               "{\"region\": \"eu\", \"day\": 1, \"n\": 10}\n"
               "{\"region\": \"us\", \"day\": 1, \"n\": 20}\n");
    auto first = copy_table_and_report(dir / "a.jsonl", "sqlite:" + db + "?table=m",
                                       upsert({"region", "day"}));
    INFO(first.err);
    REQUIRE(first.code == 0);
    CHECK(sqlite_column(db, "SELECT name || pk || \"notnull\" FROM pragma_table_info('m')") ==
          "region11|day21|n00");
    // The last row of a repeated key wins, one row at a time (a short batch) and within one
    // multi-row INSERT (32 rows a statement).
    write_file(dir / "b.csv", "region,day,n\nus,1,21\nus,2,30\nus,1,22\neu,1,11\nus,1,23\n");
    auto second = copy_table_and_report(dir / "b.csv", "sqlite:" + db + "?table=m",
                                        upsert({"day", "region"}));
    INFO(second.err);
    REQUIRE(second.code == 0);
    CHECK(has(second.out, "\"inserted\": 1, \"updated\": 4"));
    CHECK(sqlite_column(db, "SELECT region || day || '=' || n FROM m ORDER BY region, day") ==
          "eu1=11|us1=23|us2=30");
    std::string many = "region,day,n\n";
    for (int i = 0; i < 100; ++i)
        many += "x," + std::to_string(i % 10) + "," + std::to_string(i) + "\n";
    write_file(dir / "c.csv", many);
    auto third = copy_table_and_report(dir / "c.csv", "sqlite:" + db + "?table=m",
                                       upsert({"region", "day"}));
    INFO(third.err);
    REQUIRE(third.code == 0);
    CHECK(
        sqlite_column(
            db, "SELECT group_concat(n) FROM (SELECT n FROM m WHERE region = 'x' ORDER BY day)") ==
        "90,91,92,93,94,95,96,97,98,99");
}

TEST_CASE("upsert into SQLite: bad keys, bad rows and NULL keys leave the table as it was") {
    uio::testing::temp_dir dir;
    std::string db = dir / "t.db";
    std::string uri = "sqlite:" + db + "?table=t";
    sqlite_exec(db, "CREATE TABLE t (id INTEGER, n INTEGER); INSERT INTO t VALUES (1, 1), (2, 2)");
    std::string csv = "id,n\n1,10\n";
    for (int i = 3; i < 2000; ++i) csv += std::to_string(i) + "," + std::to_string(i) + "\n";
    write_file(dir / "in.csv", csv);
    auto missing = copy_table_and_report(dir / "in.csv", uri, upsert({"nope"}));
    CHECK(missing.code == 1);
    CHECK(has(missing.err, "--key column 'nope' is not among the columns loaded (id, n)"));
    auto unindexed = copy_table_and_report(dir / "in.csv", uri, upsert({"id"}));
    CHECK(unindexed.code == 1);
    CHECK(has(unindexed.err, "has no primary key or unique index on exactly (id)"));
    sqlite_exec(db, "CREATE UNIQUE INDEX t_id_pos ON t (id) WHERE id > 0");
    CHECK(copy_table_and_report(dir / "in.csv", uri, upsert({"id"})).code == 1);
    sqlite_exec(db, "CREATE UNIQUE INDEX t_id ON t (id)");

    write_file(dir / "bad.csv", csv + "2000,oops\n2001,1\n");
    auto bad = copy_table_and_report(dir / "bad.csv", uri, upsert({"id"}));
    CHECK(bad.code == 1);
    CHECK(has(bad.err, "bad.csv:2000:"));
    write_file(dir / "null.csv", csv + ",5\n");
    auto null_key = copy_table_and_report(dir / "null.csv", uri, upsert({"id"}));
    CHECK(null_key.code == 1);
    CHECK(has(null_key.err, "null.csv:2000: NULL in key column 'id'"));
    CHECK(sqlite_column(db, "SELECT group_concat(id || '=' || n) FROM t") == "1=1,2=2");

    write_file(dir / "both.csv", csv + "2000,oops\n,5\n2001,1\n");
    auto o = upsert({"id"});
    o.max_errors = 2;
    o.rejects_path = dir / "rejects.txt";
    auto skipped = copy_table_and_report(dir / "both.csv", uri, o);
    INFO(skipped.err);
    REQUIRE(skipped.code == 0);
    CHECK(has(read_file(dir / "rejects.txt"), "both.csv:2001: NULL in key column 'id'"));
    CHECK(sqlite_column(db, "SELECT count(*) || ' ' || sum(n) FROM t") ==
          "2000 " + std::to_string(10 + 2 + 1 + (3 + 1999) * 1997 / 2));
}

TEST_CASE("upsert between PostgreSQL and SQLite, both ways") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    std::string db = dir / "t.db";
    pg_exec(
        "drop table if exists up_src, up_dst; "
        "create table up_src (id int, name text); insert into up_src values (1, 'a'), (2, 'b'); "
        "create table up_dst (id int primary key, name text); insert into up_dst values (2, 'z'), "
        "(3, 'c')");
    sqlite_exec(
        db, "CREATE TABLE s (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO s VALUES (1, 'z')");
    auto to_sqlite =
        copy_table_and_report(pg_uri("table=up_src"), "sqlite:" + db + "?table=s", upsert({"id"}));
    INFO(to_sqlite.err);
    REQUIRE(to_sqlite.code == 0);
    CHECK(sqlite_column(db, "SELECT group_concat(id || name) FROM s") == "1a,2b");
    auto to_pg =
        copy_table_and_report("sqlite:" + db + "?table=s", pg_uri("table=up_dst"), upsert({"id"}));
    INFO(to_pg.err);
    REQUIRE(to_pg.code == 0);
    CHECK(has(to_pg.out, "\"inserted\": 1, \"updated\": 1"));
    CHECK(pg_column("select string_agg(id || name, ',' order by id) from up_dst") == "1a,2b,3c");
}

TEST_CASE("upsert on the command line: --key goes with --mode upsert, into a table") {
    uio::testing::temp_dir dir;
    write_file(dir / "in.csv", "id,n\n1,1\n");
    std::string db = "sqlite:" + std::string(dir / "t.db") + "?table=t";
    CHECK(command_line({"ucopy", "--mode", "upsert", dir / "in.csv", db}).run() == 2);
    CHECK(command_line({"ucopy", "--key", "id", dir / "in.csv", db}).run() == 2);
    CHECK(command_line({"ucopy", "--mode", "upsert", "--key", "id,,n", dir / "in.csv", db}).run() ==
          2);
    CHECK(copy_table_and_report(db, dir / "out.csv", upsert({"id"})).code == 2);
    CHECK(command_line(
              {"ucopy", "--no-progress", "--mode=upsert", "--key", " id ", dir / "in.csv", db})
              .run() == 0);
    CHECK(sqlite_column(dir / "t.db", "SELECT pk FROM pragma_table_info('t')") == "1|0");
}

TEST_CASE("upsert into a created table: a column widened past the sample keeps the key") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    // Past the first 1 MiB (the sample), n holds a real and id a word.
    std::string csv = "id,n\n";
    for (int i = 0; i < 150'000; ++i) csv += std::to_string(i) + "," + std::to_string(i) + "\n";
    write_file(dir / "in.csv", csv + "x,1.5\n0,7\n");
    pg_exec("drop table if exists up_pg_wide");
    auto pg = copy_table_and_report(dir / "in.csv", pg_uri("table=up_pg_wide"), upsert({"id"}));
    INFO(pg.err);
    REQUIRE(pg.code == 0);
    CHECK(pg_column("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
                    "'up_pg_wide'::regclass and attnum > 0 order by attnum") ==
          "text|numeric");  // bigint widens to numeric, which keeps "1.5" as written
    CHECK(pg_column("select count(*) from pg_index where indrelid = 'up_pg_wide'::regclass and "
                    "indisprimary") == "1");
    CHECK(pg_column("select count(*) || ' ' || (select n from up_pg_wide where id = '0') from "
                    "up_pg_wide") == "150001 7");
    std::string db = dir / "t.db";
    auto sq = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=w", upsert({"id"}));
    INFO(sq.err);
    REQUIRE(sq.code == 0);
    CHECK(sqlite_column(db,
                        "SELECT name || ':' || type || pk || \"notnull\" FROM "
                        "pragma_table_info('w')") == "id:11|n:00");
    CHECK(sqlite_column(db, "SELECT count(*) || ' ' || (SELECT n FROM w WHERE id = 0) FROM w") ==
          "150001 7");
}
