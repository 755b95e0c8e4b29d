// The server stopped in the middle of a load into PostgreSQL: ucopy fails with a clear
// error (exit 1), and after a restart the table is exactly as it was. On a private cluster,
// so stopping it leaves the shared test cluster alone.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using namespace std::chrono_literals;
using uio::testing::command_output;
using uio::testing::pg_column;
using uio::testing::pg_exec;

namespace {

// Runs pg_ctl on the private cluster's data directory (as postgres when we are root).
std::string pg_ctl(const std::string& dir, const std::string& args) {
    std::string bin = "/usr/lib/postgresql/15/bin/pg_ctl -D '" + dir + "/data' ";
    std::string prefix = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    return command_output(prefix + bin + args + " 2>&1");
}

// "host=/tmp/x port=5 user=u dbname=d" → "postgresql:///d?host=/tmp/x&port=5&user=u&table=t".
std::string uri_for(const std::string& conninfo, const std::string& table) {
    auto value = [&](const std::string& key) {
        std::size_t at = conninfo.find(key + "=") + key.size() + 1;
        return conninfo.substr(at, conninfo.find(' ', at) - at);
    };
    return "postgresql:///" + value("dbname") + "?host=" + value("host") +
           "&port=" + value("port") + "&user=" + value("user") + "&table=" + table;
}

}  // namespace

TEST_CASE("the server stopped mid-load: exit 1, a clear error, the table unchanged") {
    uio::testing::private_cluster cluster("etl-stop");
    std::string dir = "/tmp/uio-pgp-etl-stop-" + std::to_string(::getpid());
    const std::string& conninfo = cluster.conninfo();
    // A trigger that stalls the load at row 5,000, so the server can be stopped while the
    // COPY is certainly running (rows before it already inserted in the open transaction).
    // (The cluster runs with synchronous_commit=off: this setup must reach the WAL before the
    // immediate stop below, or recovery would rightly forget it.)
    pg_exec(
        "set synchronous_commit = on; "
        "create table etl_stop (id int, t text); "
        "insert into etl_stop select g, 'before' from generate_series(1, 3) g; "
        "create function etl_stall() returns trigger language plpgsql as $$ begin "
        "  if new.id = 5000 then perform pg_sleep(60); end if; return new; end $$; "
        "create trigger etl_stall before insert on etl_stop for each row "
        "  execute function etl_stall()",
        conninfo);
    pg_exec("checkpoint", conninfo);
    uio::testing::temp_dir files;
    std::string csv = "id,t\n";
    for (int i = 10; i < 200'000; ++i)
        csv += std::to_string(i) + ",row " + std::to_string(i) + "\n";
    uio::testing::write_file(files / "in.csv", csv);

    uio::testing::copy_result result{};
    std::thread load([&] {
        result =
            uio::testing::copy_table_and_report(files / "in.csv", uri_for(conninfo, "etl_stop"));
    });
    // Wait until the COPY sleeps in the trigger, then stop the server at once.
    bool stalled = false;
    for (int i = 0; i < 600 && !stalled; ++i) {
        std::this_thread::sleep_for(50ms);
        stalled = pg_column("select count(*) from pg_stat_activity where wait_event = 'PgSleep'",
                            conninfo) == "1";
    }
    std::string stop = pg_ctl(dir, "-m immediate -w stop");
    load.join();
    REQUIRE(stalled);
    INFO(stop);
    INFO(result.err);
    CHECK(result.code == 1);
    CHECK(result.err.starts_with("ucopy: "));
    CHECK(result.err.find("terminat") != std::string::npos);  // "server closed the connection
                                                              // unexpectedly"... or
                                                              // "terminating connection"

    // Restarted (with the options it had), the server shows the table as it was.
    std::string start = pg_ctl(dir, "-w -t 60 -l '" + dir + "/server.log' restart");
    INFO(start);
    CHECK(pg_column("select string_agg(id || t, ',' order by id) from etl_stop", conninfo) ==
          "1before,2before,3before");
}
