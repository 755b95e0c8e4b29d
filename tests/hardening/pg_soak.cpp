// harden-pg-soak: the database half of scripts/soak. 1,000,000 pipelined queries on one
// connection, then a pool of 8 under 10,000 concurrent tasks, twice; prints open fds and
// RSS before and after each phase so a leak shows as growth between the two pool rounds.
//   harden-pg-soak CONNINFO [QUERIES] [TASKS]
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "uio/core/task_group.hpp"
#include "uio/db/pg/pipeline.hpp"
#include "uio/db/pg/pool.hpp"
#include "uio/uring/io_context.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;

namespace {

int open_fds() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
        ::closedir(d);
    }
    return n - 1;
}

// VmRSS or VmHWM from /proc/self/status, in KiB.
long status_kib(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
    }
    return -1;
}

void report(const char* phase, double seconds) {
    std::printf(
        "{\"phase\":\"%s\",\"seconds\":%.2f,\"fds\":%d,\"rss_kib\":%ld,\"peak_rss_kib\":%ld}\n",
        phase, seconds, open_fds(), status_kib("VmRSS"), status_kib("VmHWM"));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: harden-pg-soak CONNINFO [QUERIES] [TASKS]\n");
        return 2;
    }
    const std::string conninfo = argv[1];
    const std::int64_t queries = argc > 2 ? std::atoll(argv[2]) : 1'000'000;
    const int tasks = argc > 3 ? std::atoi(argv[3]) : 10'000;
    bool ok = true;
    uio::run([&]() -> uio::task<void> {
        report("start", 0);
        auto t0 = std::chrono::steady_clock::now();
        auto seconds = [&] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        };
        {
            auto conn = co_await pg::connection::connect(conninfo, 10s);
            auto p = co_await pg::pipeline::open(conn, {.max_in_flight = 1000});
            std::int64_t sum = 0;
            for (std::int64_t i = 0; i < queries; ++i) {
                co_await p.send("select $1::int8", i);
                if (p.unreceived() >= 1000) {
                    pg::result r = co_await p.receive();
                    sum += r[0][0].as<std::int64_t>();
                }
            }
            while (p.unreceived() > 0) {
                pg::result r = co_await p.receive();
                sum += r[0][0].as<std::int64_t>();
            }
            co_await p.close();
            ok = ok && sum == queries * (queries - 1) / 2;
        }
        report("pipeline", seconds());
        pg::pool pool(conninfo, {.size = 8});
        for (int round = 1; round <= 2; ++round) {
            t0 = std::chrono::steady_clock::now();
            std::int64_t sum = 0;
            auto one = [&](int i) -> uio::task<void> {
                auto conn = co_await pool.acquire(120s);
                pg::result r = co_await conn->fetch("select $1::int8", i);
                sum += r[0][0].as<std::int64_t>();
            };
            co_await uio::with_task_group([&](uio::task_group& g) -> uio::task<void> {
                for (int i = 0; i < tasks; ++i) g.spawn(one(i));
                co_return;
            });
            ok = ok && sum == static_cast<std::int64_t>(tasks) * (tasks - 1) / 2;
            report(round == 1 ? "pool round 1" : "pool round 2", seconds());
        }
    }());
    std::printf("{\"correct\":%s}\n", ok ? "true" : "false");
    return ok ? 0 : 1;
}
