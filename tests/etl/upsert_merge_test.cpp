// --mode upsert into PostgreSQL through MERGE (postgres_upsert.hpp): when it is chosen (not
// on a table whose triggers, rules, row-level security or key index would make it act unlike
// INSERT ... ON CONFLICT), and that what it leaves is what ON CONFLICT left — repeated keys
// among existing and among new rows (the last row wins), a conflict on another unique index
// (the load fails, the table as it was), a trigger that changes the inserted row (ON CONFLICT
// runs), and a row another session inserts while the MERGE runs (the load waits, then
// updates it). Without --stats, since counting keeps ON CONFLICT.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "uio/db/etl/detail/postgres_upsert.hpp"
#include "uio/uring/timeout.hpp"

namespace pg = uio::pg;
using namespace std::chrono_literals;
using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::write_file;

namespace {

uio::etl::table_copy_options upsert_uncounted(std::vector<std::string> key) {
    uio::etl::table_copy_options o;
    o.mode = uio::etl::load_mode::upsert;
    o.key = std::move(key);
    return o;  // no --stats: MERGE where usable
}

bool merge_usable(const std::string& table, std::vector<std::string> key) {
    bool usable = false;
    uio::run([&]() -> uio::task<void> {
        pg::connection conn = co_await pg::connection::connect("", 10s);
        usable = co_await uio::etl::postgres_merge_usable(conn, table, key);
    }());
    return usable;
}

bool mentions(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("upsert MERGE: used only where it means what ON CONFLICT means") {
    uio::testing::require_cluster();
    pg_exec(
        "drop table if exists um_plain, um_pair, um_ops, um_coll, um_trig, um_rls, um_rule, "
        "um_parts; "
        "create table um_plain (id bigint primary key, name text); "
        "create table um_pair (a int, b text, n int, unique (b, a)); "
        "create table um_ops (k text, n int); create unique index on um_ops (k text_pattern_ops); "
        "create table um_coll (k text, n int); create unique index on um_coll (k collate \"C\"); "
        "create table um_trig (id int primary key, n int); "
        "create function um_same() returns trigger language plpgsql as "
        "  'begin return new; end' ; "
        "create trigger um_t before insert on um_trig for each row execute function um_same(); "
        "create table um_rls (id int primary key, n int); "
        "alter table um_rls enable row level security; "
        "create table um_rule (id int primary key, n int); "
        "create rule um_r as on update to um_rule do also notify um_rule; "
        "create table um_parts (id int primary key, n int) partition by range (id); "
        "create table um_parts_1 partition of um_parts for values from (0) to (100); "
        "create table um_parts_2 partition of um_parts for values from (100) to (200)");
    CHECK(merge_usable("um_plain", {"id"}));
    CHECK(merge_usable("um_pair", {"a", "b"}));  // any order
    CHECK_FALSE(merge_usable("um_pair", {"a"}));
    CHECK_FALSE(merge_usable("um_ops", {"k"}));   // not the type's own equality
    CHECK_FALSE(merge_usable("um_coll", {"k"}));  // nor the column's collation
    CHECK_FALSE(merge_usable("um_trig", {"id"}));
    CHECK_FALSE(merge_usable("um_rls", {"id"}));
    CHECK_FALSE(merge_usable("um_rule", {"id"}));
    CHECK(merge_usable("um_parts", {"id"}));
    // A trigger on one partition fires for the rows routed there.
    pg_exec(
        "create trigger um_pt before insert on um_parts_2 for each row execute function "
        "um_same()");
    CHECK_FALSE(merge_usable("um_parts", {"id"}));
    pg_exec(
        "drop table um_plain, um_pair, um_ops, um_coll, um_trig, um_rls, um_rule, um_parts; "
        "drop function um_same()");
}

TEST_CASE("upsert MERGE: updates, inserts, defaults, NULLs and repeated keys as ON CONFLICT") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists um_rows; create table um_rows (id int primary key, n int, "
        "  extra text default 'kept'); "
        "insert into um_rows select g, 0, 'x' from generate_series(1, 4) g");
    write_file(dir / "in.csv", "id,n\n3,30\n4,\n5,50\n6,60\n");
    auto r =
        copy_table_and_report(dir / "in.csv", pg_uri("table=um_rows"), upsert_uncounted({"id"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(pg_column("select string_agg(id || '=' || coalesce(n::text, 'null') || extra, ',' "
                    "order by id) from um_rows") == "1=0x,2=0x,3=30x,4=nullx,5=50kept,6=60kept");
    // Repeated among existing rows (MERGE: cannot affect a row twice), among new rows
    // (unique_violation), both: the last row of each key.
    write_file(dir / "dup.csv", "id,n\n1,1\n7,1\n1,2\n8,1\n7,2\n1,3\n");
    auto dup =
        copy_table_and_report(dir / "dup.csv", pg_uri("table=um_rows"), upsert_uncounted({"id"}));
    INFO(dup.err);
    REQUIRE(dup.code == 0);
    write_file(dir / "new.csv", "id,n\n9,1\n9,2\n");
    auto repeated_new =
        copy_table_and_report(dir / "new.csv", pg_uri("table=um_rows"), upsert_uncounted({"id"}));
    INFO(repeated_new.err);
    REQUIRE(repeated_new.code == 0);
    CHECK(pg_column("select string_agg(id || '=' || coalesce(n::text, 'null'), ',' order by id) "
                    "from um_rows") == "1=3,2=0,3=30,4=null,5=50,6=60,7=2,8=1,9=2");
}

TEST_CASE("upsert MERGE: a conflict on another unique index fails and changes nothing") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists um_other; create table um_other (id int primary key, "
        "  email text unique); insert into um_other values (1, 'a'), (2, 'b')");
    write_file(dir / "in.csv", "id,email\n2,c\n3,a\n");
    auto r =
        copy_table_and_report(dir / "in.csv", pg_uri("table=um_other"), upsert_uncounted({"id"}));
    CHECK(r.code == 1);
    CHECK(mentions(r.err, "duplicate key value violates unique constraint \"um_other_email_key\""));
    CHECK(pg_column("select string_agg(id || email, ',' order by id) from um_other") == "1a,2b");
}

TEST_CASE("upsert MERGE: a trigger that changes inserted rows keeps ON CONFLICT's meaning") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    // ON CONFLICT runs BEFORE INSERT triggers on every row, and EXCLUDED holds what they
    // made of it, so updated rows come out upper-cased too; MERGE would not fire it for them.
    pg_exec(
        "drop table if exists um_upper; drop function if exists um_upcase(); "
        "create table um_upper (id int primary key, name text); "
        "insert into um_upper values (1, 'OLD'), (2, 'OLD'); "
        "create function um_upcase() returns trigger language plpgsql as "
        "  'begin new.name := upper(new.name); return new; end'; "
        "create trigger um_up before insert on um_upper for each row execute function "
        "  um_upcase()");
    write_file(dir / "in.csv", "id,name\n2,two\n3,three\n");
    auto r =
        copy_table_and_report(dir / "in.csv", pg_uri("table=um_upper"), upsert_uncounted({"id"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(pg_column("select string_agg(id || name, ',' order by id) from um_upper") ==
          "1OLD,2TWO,3THREE");
    pg_exec("drop table um_upper; drop function um_upcase()");
}

TEST_CASE("upsert MERGE: a key another session inserts meanwhile is updated, not refused") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists um_race; create table um_race (id int primary key, n int); "
        "insert into um_race select g, 0 from generate_series(1, 10) g");
    std::string csv = "id,n\n";
    for (int i = 5; i <= 20; ++i) csv += std::to_string(i) + "," + std::to_string(i * 10) + "\n";
    write_file(dir / "in.csv", csv);
    std::FILE* load = nullptr;
    std::string waited;
    uio::run([&]() -> uio::task<void> {
        pg::connection holder = co_await pg::connection::connect("", 10s);
        pg::connection watcher = co_await pg::connection::connect("", 10s);
        // Key 15 is inserted but not committed: the MERGE's insert of 15 waits for it.
        pg::transaction tx = co_await holder.begin();
        co_await holder.execute("insert into um_race values (15, -1)");
        const std::string command = uio::testing::shell_quote(UCOPY_BINARY) +
                                    " --no-progress --mode upsert --key id " +
                                    uio::testing::shell_quote(dir / "in.csv") + " " +
                                    uio::testing::shell_quote(pg_uri("table=um_race")) + " 2>&1";
        load = ::popen(command.c_str(), "r");
        const std::string blocked =
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
            "and query ilike 'merge into%um_race%'";
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (waited != "1" && std::chrono::steady_clock::now() < deadline) {
            pg::result r = co_await watcher.fetch(blocked);
            waited = std::string(r[0][0].text());
            if (waited != "1") co_await uio::sleep_for(10ms);  // polled, with a deadline
        }
        co_await tx.commit();
    }());
    REQUIRE(load != nullptr);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, load)) output.append(buffer, n);
    const int status = ::pclose(load);
    INFO(output);
    CHECK(waited == "1");  // the MERGE did run, and waited for key 15
    CHECK(status == 0);
    CHECK(pg_column("select count(*) || ' ' || sum(n) from um_race") ==
          "20 " + std::to_string(10 * (5 + 20) * 16 / 2));
    CHECK(pg_column("select n from um_race where id = 15") == "150");
}
