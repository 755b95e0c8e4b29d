// A --connections load killed with -9 leaves its staging table (<table>__uio_load_<pid>);
// the next load into that table drops it, and never a staging table whose load may still be
// alive (its backend connected, or its advisory lock held). The real ucopy binary, a real
// SIGKILL while the load is held at its publish, the test's PostgreSQL cluster.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "uio/uring/timeout.hpp"

namespace pg = uio::pg;
using namespace std::chrono_literals;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::start_ucopy;

namespace {

int exit_status(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The names of the staging tables of `table`, sorted, '|'-joined.
uio::task<std::string> staging_tables_of(pg::connection& conn, std::string table) {
    std::string sql =
        "select coalesce(string_agg(relname::text, '|' order by relname), '') from pg_class "
        "where relkind = 'r' and relname::text like $1";
    std::string pattern = table + "\\_\\_uio\\_load\\_%";
    co_return co_await conn.fetch_value<std::string>(sql, pattern);
}

}  // namespace

TEST_CASE("a --connections load killed with -9: the next load drops its staging table, only it") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    const std::string csv = dir / "in.csv";
    std::string rows = "id,name\n";
    for (int i = 0; i < 100; ++i) rows += std::to_string(i) + ",n" + std::to_string(i) + "\n";
    uio::testing::write_file(csv, rows);
    pg_exec("drop table if exists etl_killed; create table etl_killed (id int, name text)");
    const std::string target = pg_uri("table=etl_killed");
    uio::run([&]() -> uio::task<void> {
        auto holder = co_await pg::connection::connect("", 10s);
        auto watcher = co_await pg::connection::connect("", 10s);
        // The load appends: its publish (INSERT INTO etl_killed) waits for this SHARE lock,
        // so it is surely running, its staging table made and filled, when it is killed.
        pg::transaction held = co_await holder.begin();
        co_await holder.execute("lock table etl_killed in share mode");
        const pid_t load =
            start_ucopy({"--no-progress", "--connections", "2", csv, target}, dir / "killed.log");
        std::string leftover;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (leftover.empty() && std::chrono::steady_clock::now() < deadline) {
            leftover = co_await staging_tables_of(watcher, "etl_killed");
            if (leftover.empty()) co_await uio::sleep_for(10ms);  // polled, with a deadline
        }
        REQUIRE_FALSE(leftover.empty());
        REQUIRE(::kill(load, SIGKILL) == 0);
        CHECK(exit_status(load) == 128 + SIGKILL);
        co_await held.rollback();
        // Its backend, blocked on the lock until now, ends when it finds its client gone.
        const std::string backend = leftover.substr(leftover.rfind('_') + 1);
        std::string sql = "select count(*) from pg_stat_activity where pid = $1::int";
        std::int64_t connected = 1;
        while (connected > 0 && std::chrono::steady_clock::now() < deadline) {
            connected = co_await watcher.fetch_value<std::int64_t>(sql, backend);
            if (connected > 0) co_await uio::sleep_for(10ms);
        }
        REQUIRE(connected == 0);
        const std::string after_kill = co_await staging_tables_of(watcher, "etl_killed");
        CHECK(after_kill == leftover);
        std::string count = "select count(*) from etl_killed";
        const std::int64_t published = co_await watcher.fetch_value<std::int64_t>(count);
        CHECK(published == 0);

        // Two staging tables whose loads may be alive: one of a connected backend (a ucopy
        // that takes no advisory lock), one whose owner's advisory lock is held.
        const std::string connected_name =
            "etl_killed__uio_load_" + std::to_string(holder.backend_pid());
        const std::string locked_name = "etl_killed__uio_load_4194304";  // never a pid
        std::string make = "create table " + connected_name + " (id int); create table " +
                           locked_name + " (id int)";
        co_await holder.execute(make);
        std::string lock = "select pg_advisory_lock(hashtext('uio_load'), hashtext($1))";
        (void)co_await holder.fetch(lock, locked_name);

        const pid_t next =
            start_ucopy({"--no-progress", "--connections", "2", csv, target}, dir / "next.log");
        const int status = exit_status(next);
        INFO(uio::testing::read_file(dir / "next.log"));
        CHECK(status == 0);
        const std::int64_t loaded = co_await watcher.fetch_value<std::int64_t>(count);
        CHECK(loaded == 100);
        const std::string kept = co_await staging_tables_of(watcher, "etl_killed");
        CHECK(kept ==
              std::min(connected_name, locked_name) + "|" + std::max(connected_name, locked_name));
        std::string drop = "drop table " + connected_name + "; drop table " + locked_name;
        co_await holder.execute(drop);
    }());
}
