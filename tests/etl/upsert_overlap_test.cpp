// --mode upsert into an existing PostgreSQL table in batches, each COPYed on a second
// connection while the load's connection merges the one before (postgres_upsert_overlap.hpp),
// with batches made tiny (UIO_UPSERT_BATCH_BYTES) so that a small file makes dozens: every
// value comes back as it went in and the last row of a key wins, across batches and within
// one; a bad row or a NULL key in a late batch, a constraint the merge of a late batch
// breaks, and a kill -9 mid-load each leave the table as it was, and no staging table
// behind (after a kill, the next load drops it); errors and --max-errors name the file's
// lines.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "uio/uring/timeout.hpp"

namespace pg = uio::pg;
using namespace std::chrono_literals;
using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::write_file;

namespace {

// Batches of about this many bytes: a small file makes dozens.
constexpr std::size_t overlap_tiny_batch = 500;

// For a ucopy started by the test: its test-only twin, armed to batch as tiny (the shipped
// ucopy has no such setting), for as long as it lives.
struct overlap_tiny_batches_in_ucopy {
    overlap_tiny_batches_in_ucopy() {
        ::setenv("UCOPY_TEST_UPSERT_BATCH_BYTES", std::to_string(overlap_tiny_batch).c_str(), 1);
    }
    ~overlap_tiny_batches_in_ucopy() { ::unsetenv("UCOPY_TEST_UPSERT_BATCH_BYTES"); }
};

uio::etl::table_copy_options overlap_upsert(bool counted) {
    uio::etl::table_copy_options o;
    o.mode = uio::etl::load_mode::upsert;
    o.key = {"id"};
    o.stats_json = counted;  // counted: ON CONFLICT; not: MERGE
    o.upsert_batch_bytes = overlap_tiny_batch;
    return o;
}

// A value of each hard kind for key `id`, version `v`: text with the CSV's quote, comma and
// line ends, a double that only the shortest exact form gives back, a long numeric.
struct overlap_row {
    std::string t, f, n;
};

overlap_row overlap_value(int id, int v) {
    const std::vector<std::string> texts = {"plain", "say \"hi\", ok", "two\nlines",
                                            "",      "crlf\r\ninside", "  spaced  "};
    const std::vector<std::string> doubles = {"0.1", "1e-300", "-2.5", "123456.789",
                                              "1.7976931348623157e+308"};
    return {texts[(id + v) % texts.size()] + "-" + std::to_string(v),
            doubles[(id * 7 + v) % doubles.size()],
            "12345678901234567890.12345678901234567890" + std::to_string(id % 10)};
}

std::string overlap_csv_field(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// The table as text, one "id|t|f|n" per row, in key order.
std::string overlap_table_text(const std::string& table) {
    return pg_column(
        "select coalesce(string_agg(id || '|' || t || '|' || f::text || '|' || "
        "n::text, E'\\n' order by id), '') from " +
        table);
}

std::string overlap_staging_tables(const std::string& table) {
    return pg_column("select count(*) from pg_class where relname::text like '" + table +
                     "\\_\\_uio\\_load\\_%'");
}

bool overlap_has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("upsert overlapped in batches: exact values, the last row wins, counted") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    // 1..600 exist; the input updates the even ones up to 800 three times over (each key
    // again in later batches, 400 twice within one) and adds 601..800.
    std::map<int, overlap_row> expected;
    std::string seed;
    for (int id = 1; id <= 600; ++id) {
        expected[id] = overlap_value(id, 0);
        seed += "(" + std::to_string(id) + ", 'old', 0, 0),";
    }
    std::string csv = "id,t,f,n\n";
    auto add = [&](int id, int v) {
        overlap_row r = overlap_value(id, v);
        csv += std::to_string(id) + "," + overlap_csv_field(r.t) + "," + r.f + "," + r.n + "\n";
        expected[id] = r;
    };
    for (int v = 1; v <= 3; ++v) {
        for (int id = 2; id <= 800; id += 2) {
            add(id, v);
            if (id == 400) add(id, v + 10);  // the same key twice in one batch: the second wins
        }
    }
    for (int id = 601; id <= 800; id += 2) add(id, 1);
    std::string want;
    for (const auto& [id, r] : expected) {
        bool seeded_only = id <= 600 && id % 2 == 1;
        want += (want.empty() ? "" : "\n") + std::to_string(id) + "|" +
                (seeded_only ? "old|0|0" : r.t + "|" + r.f + "|" + r.n);
    }
    write_file(dir / "in.csv", csv);
    for (bool counted : {false, true}) {
        INFO((counted ? "counted (ON CONFLICT)" : "MERGE"));
        pg_exec(
            "drop table if exists uo_exact, uo_merges; create table uo_merges (n int); "
            "create table uo_exact (id int primary key, t text, f double precision, n numeric); "
            "insert into uo_exact values " +
            seed.substr(0, seed.size() - 1));
        if (counted) {
            // One row per merge statement: proof of the batches (on the counted path: a
            // trigger would rule MERGE out).
            pg_exec(
                "create or replace function uo_count() returns trigger language plpgsql as "
                "'begin insert into uo_merges values (1); return null; end'; "
                "create trigger uo_per_merge after insert on uo_exact for each statement "
                "execute function uo_count()");
        }
        auto r = copy_table_and_report(dir / "in.csv", pg_uri("table=uo_exact"),
                                       overlap_upsert(counted));
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(overlap_table_text("uo_exact") == want);
        CHECK(overlap_staging_tables("uo_exact") == "0");
        if (counted) {
            CHECK(overlap_has(r.out, "\"inserted\": 200, \"updated\": 1103"));
            CHECK(std::stoi(pg_column("select count(*) from uo_merges")) >= 10);
        }
    }
    pg_exec("drop table uo_exact, uo_merges; drop function uo_count()");
}

TEST_CASE("upsert overlapped in batches: a failure in a late batch leaves the table as it was") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists uo_atomic; "
        "create table uo_atomic (id int primary key, t text, f double precision, n numeric "
        "check (n < 1000)); insert into uo_atomic values (1, 'a', 1, 1), (2, 'b', 2, 2)");
    const std::string before = overlap_table_text("uo_atomic");
    std::string csv = "id,t,f,n\n";
    for (int id = 1; id < 2000; ++id)
        csv += std::to_string(id) + ",x" + std::to_string(id) + ",0.5,7\n";
    const std::string end = "2000,y,0.5,7\n";
    for (bool counted : {false, true}) {
        INFO((counted ? "counted" : "MERGE"));
        // Line 1800 of the file: a bad double, then a NULL key (both in the COPY of a batch
        // long after the first merges), then a value the target's CHECK refuses (the merge).
        write_file(dir / "bad.csv", csv + "1999,\"q\nq\",oops,7\n" + end);
        auto bad = copy_table_and_report(dir / "bad.csv", pg_uri("table=uo_atomic"),
                                         overlap_upsert(counted));
        CHECK(bad.code == 1);
        CHECK(overlap_has(bad.err, "bad.csv:2001: invalid input syntax for type double precision"));
        write_file(dir / "null.csv", csv + ",z,1,1\n" + end);
        auto null_key = copy_table_and_report(dir / "null.csv", pg_uri("table=uo_atomic"),
                                              overlap_upsert(counted));
        CHECK(null_key.code == 1);
        CHECK(overlap_has(null_key.err, "null.csv:2001: NULL in key column \"id\""));
        write_file(dir / "check.csv", csv + "1999,z,1,5000\n" + end);
        auto refused = copy_table_and_report(dir / "check.csv", pg_uri("table=uo_atomic"),
                                             overlap_upsert(counted));
        CHECK(refused.code == 1);
        CHECK(overlap_has(refused.err, "uo_atomic_n_check"));
        CHECK(overlap_table_text("uo_atomic") == before);
        CHECK(overlap_staging_tables("uo_atomic") == "0");
    }
    // Under --max-errors the late bad rows are skipped at their lines, the rest merged.
    write_file(dir / "both.csv", csv + "1999,\"q\nq\",oops,7\n,z,1,1\n" + end);
    auto o = overlap_upsert(true);
    o.max_errors = 2;
    o.rejects_path = dir / "rejects.txt";
    auto skipped = copy_table_and_report(dir / "both.csv", pg_uri("table=uo_atomic"), o);
    INFO(skipped.err);
    REQUIRE(skipped.code == 0);
    CHECK(overlap_has(read_file(dir / "rejects.txt"), "both.csv:2001: invalid input syntax"));
    CHECK(overlap_has(read_file(dir / "rejects.txt"), "both.csv:2003: NULL in key column"));
    CHECK(pg_column("select count(*) || ' ' || sum(n) || ' ' || max(t) from uo_atomic") ==
          "2000 14000 y");
    pg_exec("drop table uo_atomic");
}

TEST_CASE("upsert overlapped in batches: killed with -9 mid-load, the table is as it was") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    overlap_tiny_batches_in_ucopy tiny;  // inherited by the ucopy started below
    pg_exec(
        "drop table if exists uo_killed; create table uo_killed (id int primary key, t text, "
        "f double precision, n numeric); insert into uo_killed values (1, 'a', 1, 1)");
    const std::string before = overlap_table_text("uo_killed");
    std::string csv = "id,t,f,n\n";
    for (int id = 1; id <= 3000; ++id) csv += std::to_string(id) + ",k,2,3\n";
    write_file(dir / "in.csv", csv);
    const std::string target = pg_uri("table=uo_killed");
    uio::run([&]() -> uio::task<void> {
        auto holder = co_await pg::connection::connect("", 10s);
        auto watcher = co_await pg::connection::connect("", 10s);
        // The first merge waits for this lock, while the second connection's batches are
        // committed into the staging table: the load is surely mid-way when it is killed.
        pg::transaction held = co_await holder.begin();
        co_await holder.execute("lock table uo_killed in exclusive mode");
        const pid_t load = uio::testing::start_ucopy(
            {"--no-progress", "--mode", "upsert", "--key", "id", dir / "in.csv", target},
            dir / "killed.log", UCOPY_TESTABLE_BINARY);
        const std::string staged =
            "select coalesce(max(relname::text), '') from pg_class c where relname::text like "
            "'uo\\_killed\\_\\_uio\\_load\\_%' and exists (select from pg_locks l join "
            "pg_stat_activity a using (pid) where l.relation = 'uo_killed'::regclass and not "
            "l.granted and a.query ilike 'merge%')";
        std::string leftover;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (leftover.empty() && std::chrono::steady_clock::now() < deadline) {
            leftover = co_await watcher.fetch_value<std::string>(staged);
            if (leftover.empty()) co_await uio::sleep_for(10ms);  // polled, with a deadline
        }
        REQUIRE_FALSE(leftover.empty());
        REQUIRE(::kill(load, SIGKILL) == 0);
        int status = 0;
        CHECK(::waitpid(load, &status, 0) == load);
        CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
        co_await held.rollback();
        // Both backends end once they find their client gone (the merging one after the lock).
        const std::string side = leftover.substr(leftover.rfind('_') + 1);
        const std::string others =
            "select count(*) from pg_stat_activity where backend_type = 'client backend' and "
            "pid <> pg_backend_pid() and pid <> $1::int and (pid = $2::int or query ilike "
            "'merge into%uo_killed%')";
        const std::string holder_pid = std::to_string(holder.backend_pid());
        std::int64_t alive = 1;
        while (alive > 0 && std::chrono::steady_clock::now() < deadline) {
            alive = co_await watcher.fetch_value<std::int64_t>(others, holder_pid, side);
            if (alive > 0) co_await uio::sleep_for(10ms);
        }
        REQUIRE(alive == 0);
    }());
    CHECK(overlap_table_text("uo_killed") == before);
    CHECK(overlap_staging_tables("uo_killed") == "1");  // left behind by the kill
    // The next load drops it, and loads.
    auto next = copy_table_and_report(dir / "in.csv", target, overlap_upsert(false));
    INFO(next.err);
    REQUIRE(next.code == 0);
    CHECK(overlap_staging_tables("uo_killed") == "0");
    CHECK(pg_column("select count(*) || ' ' || sum(f) from uo_killed") == "3000 6000");
    pg_exec("drop table uo_killed");
}
