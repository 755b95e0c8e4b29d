// Widening where the load is (issue 29.3): columns that widen past the sample, at two places
// in the file, widen the rows already loaded (PostgreSQL: ALTER TABLE between two COPYs;
// SQLite: the declared type rewritten) and the load goes on. Proven by --stats=json
// (widenings counted, restarts 0: every start of a load from the first row counts), the
// types, and a byte-for-byte round trip; the values loaded before a cut are cast under
// session settings chosen to break a careless cast (DateStyle SQL/DMY, TimeZone
// Asia/Kolkata, extra_float_digits 0). One connection and --connections 3, CSV and JSON
// Lines; a failure after a widening leaves nothing.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_types;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::write_file;

namespace {

// Past the sample (its first MiB) and far enough apart that the streams of --connections 3
// each carry blocks between the cuts.
constexpr int rows = 120'000;
constexpr int cut1 = 50'000;
constexpr int cut2 = 100'000;

// PGOPTIONS for the loads: settings under which a cast that is not the export's own output
// changes the values loaded before a cut (dates as 10/03/2024, timestamptz in +05:30,
// doubles with 15 digits). Unset again when it goes out of scope.
struct awkward_session {
    awkward_session() {
        ::setenv("PGOPTIONS",
                 "-c DateStyle=SQL,DMY -c TimeZone=Asia/Kolkata -c extra_float_digits=0", 1);
    }
    ~awkward_session() { ::unsetenv("PGOPTIONS"); }
    awkward_session(const awkward_session&) = delete;
    awkward_session& operator=(const awkward_session&) = delete;
};

// CSV columns, each in its type's printed form until a cut:
//   i   bigint → numeric (1.50 at cut1) → text (007 at cut2)
//   r   double precision (with 0.30000000000000004 and 1e+20) → text at cut2
//   n   numeric (k.50: the scale must stay) → text (1e5) at cut2
//   b   boolean (t/f, not true/false) → text (yes) at cut2
//   d   date → text (a time in it) at cut1
//   ts  timestamp → text at cut2
//   tz  timestamptz (+00) → text (+05:30) at cut2
std::string widening_csv() {
    std::string csv = "id,i,r,n,b,d,ts,tz\n";
    for (int k = 1; k <= rows; ++k) {
        const std::string key = std::to_string(k);
        const std::string day = "2024-01-0" + std::to_string(k % 9 + 1);
        std::string i = key, r = key + ".25", n = key + ".50", b = k % 2 ? "t" : "f", d = day;
        std::string ts = day + " 12:00:00.5", tz = day + " 12:00:00+00";
        if (k > 30'000 && k % 997 == 0) r = k % 2 ? "0.30000000000000004" : "1e+20";
        if (k == cut1) {
            i = "1.50";
            d = "2024-03-10 01:30:00";
        }
        if (k == cut2) {
            i = "007";
            r = "0.1000000000000000055511151231257827";
            n = "1e5";
            b = "yes";
            ts = "2024-03-10T01:30:00";
            tz = "2024-03-10 01:30:00+05:30";
        }
        csv += key + ',' + i + ',' + r + ',' + n + ',' + b + ',' + d + ',' + ts + ',' + tz + '\n';
    }
    return csv;
}

// JSON Lines for PostgreSQL, in the export's layout:
//   i   bigint → numeric (1.50 at cut1) → jsonb (the string "007" at cut2)
//   r   double precision (with 0.30000000000000004) → jsonb (a string at cut1)
//   n   numeric (k.50) → json (1e5 at cut2)
//   b   boolean → jsonb (a string at cut2)
//   c   date → text at cut1
//   t   timestamp (row_to_json's T form) → text at cut2
//   z   timestamptz (+00:00) → text at cut2
std::string widening_jsonl_pg() {
    std::string out;
    for (int k = 1; k <= rows; ++k) {
        const std::string key = std::to_string(k);
        const std::string day = "2024-01-0" + std::to_string(k % 9 + 1);
        std::string i = key, r = key + ".25", n = key + ".50", b = k % 2 ? "true" : "false";
        std::string c = '"' + day + '"', t = '"' + day + "T12:00:00.5\"";
        std::string z = '"' + day + "T12:00:00+00:00\"";
        if (k > 30'000 && k % 997 == 0) r = "0.30000000000000004";
        if (k == cut1) {
            i = "1.50";
            r = "\"n/a\"";
            c = "\"2024-13-45\"";
        }
        if (k == cut2) {
            i = "\"007\"";
            n = "1e5";
            b = "\"yes\"";
            t = "\"later\"";
            z = "\"2024-03-10T01:30:00+05:30\"";
        }
        out += "{\"id\":" + key + ",\"i\":" + i + ",\"r\":" + r + ",\"n\":" + n + ",\"b\":" + b +
               ",\"c\":" + c + ",\"t\":" + t + ",\"z\":" + z + "}\n";
    }
    return out;
}

// JSON Lines for SQLite (whose BOOLEAN, DECIMAL_TEXT and JSON columns widen into their
// stored form, a limitation of their own): INTEGER → none (a string at cut1), REAL → none
// (a string at cut2), TEXT → none (a number at cut2). In the CSV, SQLite widens i (INTEGER)
// at cut1 and r (REAL) at cut2; its other columns are TEXT from the start.
std::string widening_jsonl_sqlite() {
    std::string out;
    for (int k = 1; k <= rows; ++k) {
        const std::string key = std::to_string(k);
        std::string i = key, r = key + ".25", s = "\"s" + key + '"';
        if (k == cut1) i = "\"007\"";
        if (k == cut2) {
            r = "\"n/a\"";
            s = "17";
        }
        out += "{\"id\":" + key + ",\"i\":" + i + ",\"r\":" + r + ",\"s\":" + s + "}\n";
    }
    return out;
}

std::string ordered(const std::string& table) {
    return pg_uri("query=select%20*%20from%20" + table + "%20order%20by%20id");
}

// Loads `contents` (a file named `name`) into `table` over one and three connections, with
// session settings a careless cast would print into the data; the columns must widen in place
// (no restart) to `types`, and an export must give the file back byte for byte.
void check_pg_widening(const std::string& name, const std::string& contents,
                       const std::string& table, const std::string& types) {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    write_file(dir / name, contents);
    for (unsigned connections : {1u, 3u}) {
        INFO("connections " << connections);
        pg_exec("drop table if exists " + table);
        uio::etl::table_copy_options o;
        o.connections = connections;
        o.stats_json = true;
        uio::testing::copy_result load;
        {
            awkward_session session;
            load = copy_table_and_report(dir / name, pg_uri("table=" + table), o);
        }
        INFO(load.err);
        REQUIRE(load.code == 0);
        CHECK(load.out.find("\"rows\": 120000") != std::string::npos);
        // One connection looks ahead at the first cut: one ALTER takes both cuts' widenings.
        const std::string widenings = connections == 1 ? "1" : "2";
        CHECK(load.out.find("\"widenings\": " + widenings + ", \"restarts\": 0") !=
              std::string::npos);
        CHECK(pg_types(table) == types);
        const std::string out = "out-" + name;
        auto dump = copy_table_and_report(ordered(table), dir / out);
        INFO(dump.err);
        REQUIRE(dump.code == 0);
        CHECK(read_file(dir / out) == contents);
    }
}

}  // namespace

TEST_CASE("CSV → PostgreSQL: columns widen twice in place, no restart, byte for byte") {
    check_pg_widening("in.csv", widening_csv(), "etl_widen_csv",
                      "bigint|text|text|text|text|text|text|text");
}

TEST_CASE("JSON Lines → PostgreSQL: columns widen twice in place, no restart, byte for byte") {
    check_pg_widening("in.jsonl", widening_jsonl_pg(), "etl_widen_jsonl",
                      "bigint|jsonb|jsonb|json|jsonb|text|text|text");
}

TEST_CASE("CSV and JSON Lines → SQLite: declared types change in place, byte for byte") {
    uio::testing::temp_dir dir;
    const std::string csv = widening_csv();
    const std::string jsonl = widening_jsonl_sqlite();
    write_file(dir / "in.csv", csv);
    write_file(dir / "in.jsonl", jsonl);
    for (const std::string ext : {"csv", "jsonl"}) {
        INFO(ext);
        const std::string db = dir / ("db-" + ext + ".sqlite");
        uio::etl::table_copy_options o;
        o.stats_json = true;
        auto load = copy_table_and_report(dir / ("in." + ext), "sqlite:" + db + "?table=t", o);
        INFO(load.err);
        REQUIRE(load.code == 0);
        CHECK(load.out.find("\"widenings\": 2, \"restarts\": 0") != std::string::npos);
        // The table was never rebuilt (a copy would have new pages): its root page is still
        // the one of the first table of a new database.
        CHECK(sqlite_column(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't'") == "2");
        if (ext == "csv") {
            CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") ==
                  "INTEGER|||TEXT|TEXT|TEXT|TEXT|TEXT");
            CHECK(sqlite_column(db, "PRAGMA integrity_check") == "ok");
        } else {
            CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('t')") == "INTEGER|||");
            // Values loaded before the widening keep their storage class.
            CHECK(sqlite_column(db,
                                "SELECT typeof(i) || typeof(r) || typeof(s) FROM t WHERE "
                                "id = 1") == "integerrealtext");
        }
        auto dump = copy_table_and_report("sqlite:" + db + "?table=t", dir / ("out." + ext));
        INFO(dump.err);
        REQUIRE(dump.code == 0);
        CHECK(read_file(dir / ("out." + ext)) == (ext == "csv" ? csv : jsonl));
    }
}

TEST_CASE("a load that fails after widening in place leaves nothing") {
    uio::testing::temp_dir dir;
    // A ragged record after both cuts: the widenings are done when it fails.
    std::string csv = widening_csv() + "120001,1\n";
    write_file(dir / "in.csv", csv);
    const std::string db = dir / "db.sqlite";
    uio::testing::sqlite_exec(db, "CREATE TABLE other (x)");
    auto sqlite = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t");
    CHECK(sqlite.code == 1);
    CHECK(sqlite_column(db, "SELECT name FROM sqlite_schema") == "other");
    uio::testing::require_cluster();
    for (unsigned connections : {1u, 3u}) {
        INFO("connections " << connections);
        pg_exec("drop table if exists etl_widen_fail");
        uio::etl::table_copy_options o;
        o.connections = connections;
        auto load = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_widen_fail"), o);
        INFO(load.err);
        CHECK(load.code == 1);
        CHECK(load.err.find("in.csv:120002") != std::string::npos);
        CHECK(pg_column("select count(*) from pg_class where relname like 'etl_widen_fail%'") ==
              "0");
    }
}

TEST_CASE("widening in place with --mode upsert and --mode replace, PostgreSQL and SQLite") {
    uio::testing::temp_dir dir;
    // 60,000 rows (past the sample): a bigint → numeric at row 40,000, b boolean → text at
    // row 50,000 (SQLite: a INTEGER → none; b was TEXT).
    std::string csv = "id,a,b,note\n";
    for (int k = 1; k <= 60'000; ++k) {
        std::string a = k == 40'000 ? "1.50" : std::to_string(k * 3);
        std::string b = k == 50'000 ? "yes" : k % 2 ? "t" : "f";
        csv += std::to_string(k) + ',' + a + ',' + b + ",padding text padding text " +
               std::to_string(k) + '\n';
    }
    write_file(dir / "in.csv", csv);
    uio::etl::table_copy_options upsert;
    upsert.mode = uio::etl::load_mode::upsert;
    upsert.key = {"id"};
    upsert.stats_json = true;
    uio::etl::table_copy_options replace;
    replace.mode = uio::etl::load_mode::replace;
    replace.stats_json = true;

    const std::string db = dir / "db.sqlite";
    auto sqlite = copy_table_and_report(dir / "in.csv", "sqlite:" + db + "?table=t", upsert);
    INFO(sqlite.err);
    REQUIRE(sqlite.code == 0);
    CHECK(sqlite.out.find("\"widenings\": 1, \"restarts\": 0") != std::string::npos);
    CHECK(sqlite_column(db, "PRAGMA integrity_check") == "ok");
    REQUIRE(copy_table_and_report("sqlite:" + db + "?table=t", dir / "sqlite.csv").code == 0);
    CHECK(read_file(dir / "sqlite.csv") == csv);

    uio::testing::require_cluster();
    pg_exec("drop table if exists etl_widen_upsert");
    pg_exec("drop table if exists etl_widen_replace");
    pg_exec("create table etl_widen_replace (x int)");
    auto up = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_widen_upsert"), upsert);
    INFO(up.err);
    REQUIRE(up.code == 0);
    auto re = copy_table_and_report(dir / "in.csv", pg_uri("table=etl_widen_replace"), replace);
    INFO(re.err);
    REQUIRE(re.code == 0);
    for (const std::string table : {"etl_widen_upsert", "etl_widen_replace"}) {
        INFO(table);
        CHECK(pg_types(table) == "bigint|numeric|text|text");
        REQUIRE(copy_table_and_report(ordered(table), dir / "pg.csv").code == 0);
        CHECK(read_file(dir / "pg.csv") == csv);
    }
    CHECK(up.out.find("\"widenings\": 1, \"restarts\": 0") != std::string::npos);
    CHECK(re.out.find("\"widenings\": 1, \"restarts\": 0") != std::string::npos);
}
