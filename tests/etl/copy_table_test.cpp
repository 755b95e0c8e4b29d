// copy_table, the engine as a library: several loads side by side on one loop with a bound
// on connections, progress reported, and a failing copy that throws and commits nothing.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"
#include "uio/core/semaphore.hpp"
#include "uio/core/task_group.hpp"
#include "uio/db/etl/copy_table.hpp"
#include "uio/uring/io_context.hpp"

using namespace uio;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::write_file;

namespace {

std::string numbers_csv(int first, int count) {
    std::string csv = "id,name\n";
    for (int i = first; i < first + count; ++i)
        csv += std::to_string(i) + ",n" + std::to_string(i) + "\n";
    return csv;
}

// One load under a connection permit; records the most loads seen running at once.
task<void> load_one(semaphore& connections, int& running, int& most, std::string file,
                    std::string table, std::uint64_t& rows) {
    semaphore::permit permit = co_await connections.acquire();
    most = std::max(most, ++running);
    etl::table_copy_stats done =
        co_await etl::copy_table(etl::parse_endpoint(file), etl::parse_endpoint(table));
    --running;
    rows += done.rows;
}

}  // namespace

TEST_CASE("copy_table loads several files concurrently on one loop, within a connection bound") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    std::vector<std::string> files;
    for (int f = 0; f < 5; ++f) {
        pg_exec("drop table if exists lib_part_" + std::to_string(f));
        files.push_back(dir / ("part" + std::to_string(f) + ".csv"));
        write_file(files.back(), numbers_csv(f * 1000, 1000));
    }
    semaphore connections(2);
    int running = 0, most = 0;
    std::uint64_t rows = 0;
    uio::run(with_task_group([&](task_group& group) -> task<void> {
        for (std::size_t f = 0; f < files.size(); ++f) {
            group.spawn(load_one(connections, running, most, files[f],
                                 pg_uri("table=lib_part_" + std::to_string(f)), rows));
        }
        co_return;
    }));
    CHECK(rows == 5000);
    CHECK(most == 2);  // the bound held, and loads did overlap
    for (int f = 0; f < 5; ++f) {
        CHECK(pg_column("select count(*) || ':' || min(id) from lib_part_" + std::to_string(f)) ==
              "1000:" + std::to_string(f * 1000));
    }
}

TEST_CASE("copy_table reports progress and returns the statistics") {
    uio::testing::temp_dir dir;
    const std::string csv = numbers_csv(0, 200'000);
    write_file(dir / "big.csv", csv);
    std::vector<etl::table_copy_stats> reports;
    std::uint64_t input = 0;
    etl::table_copy_options options;
    options.mode = etl::load_mode::replace;
    etl::table_copy_stats done = uio::run(
        etl::copy_table(etl::parse_endpoint(dir / "big.csv"),
                        etl::parse_endpoint("sqlite:" + (dir / "b.db") + "?table=t"), options,
                        [&](const etl::table_copy_stats& so_far, std::uint64_t input_bytes) {
                            reports.push_back(so_far);
                            input = input_bytes;
                        }));
    CHECK(done.rows == 200'000);
    REQUIRE(!reports.empty());
    CHECK(reports.back().rows == done.rows);  // the last report is the final count
    for (std::size_t i = 1; i < reports.size(); ++i) CHECK(reports[i].rows >= reports[i - 1].rows);
    CHECK(input == csv.size());
}

TEST_CASE("a CSV load into PostgreSQL counts rows on the progress line as they are sent") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    const std::string csv = numbers_csv(0, 200'000);
    REQUIRE(csv.size() > 2 * (1 << 20));  // several chunks: reports come before the end
    write_file(dir / "big.csv", csv);
    for (unsigned connections : {1u, 3u}) {
        INFO("connections " << connections);
        std::vector<etl::table_copy_stats> reports;
        etl::table_copy_options options;
        options.mode = etl::load_mode::replace;
        options.connections = connections;
        etl::table_copy_stats done =
            uio::run(etl::copy_table(etl::parse_endpoint(dir / "big.csv"),
                                     etl::parse_endpoint(pg_uri("table=progress_rows")), options,
                                     [&](const etl::table_copy_stats& so_far, std::uint64_t) {
                                         reports.push_back(so_far);
                                     }));
        CHECK(done.rows == 200'000);
        REQUIRE(reports.size() >= 2);
        // The first report comes after the first chunk: rows already counted, not 0 until the
        // COPY's own count at the end.
        CHECK(reports.front().rows > 0);
        CHECK(reports.front().bytes < csv.size());
        CHECK(reports.back().rows == 200'000);
    }
}

TEST_CASE("a failing copy_table throws with file and line, and commits nothing") {
    uio::testing::temp_dir dir;
    write_file(dir / "good.csv", numbers_csv(0, 10));
    const std::string db = "sqlite:" + (dir / "f.db") + "?table=t";
    uio::run(etl::copy_table(etl::parse_endpoint(dir / "good.csv"), etl::parse_endpoint(db)));
    write_file(dir / "bad.csv", "id,name\n1,a\n2,b\n3,c,extra\n");
    etl::table_copy_options options;
    options.mode = etl::load_mode::replace;
    CHECK_THROWS_WITH(uio::run(etl::copy_table(etl::parse_endpoint(dir / "bad.csv"),
                                               etl::parse_endpoint(db), options)),
                      Catch::Contains("bad.csv:4"));
    etl::table_copy_stats again = uio::run(etl::copy_table(
        etl::parse_endpoint("sqlite:" + (dir / "f.db") + "?query=select%20*%20from%20t"),
        etl::parse_endpoint(dir / "out.csv")));
    CHECK(again.rows == 10);  // the old table, untouched
    CHECK(uio::testing::read_file(dir / "out.csv") == numbers_csv(0, 10));
}
