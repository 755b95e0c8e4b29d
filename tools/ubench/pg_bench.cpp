// `ubench pg`: N primary-key SELECTs on pgbench_accounts,
//   SELECT abalance FROM pgbench_accounts WHERE aid = $1   (prepared once per connection)
// with aids from a seeded xorshift, the same sequence for every engine. Engines:
//
//   blocking           libpq, one connection, PQexecPrepared in a loop (what most programs do)
//   uio                uio, one connection, one query at a time (co_await fetch_prepared)
//   uio-pipeline       uio, one connection, pg::pipeline with --depth queries in flight
//   uio-pool           uio, pg::pool of --pool connections, --tasks tasks; each task loops:
//                      acquire(timeout), one query, release (a server handling requests)
//   uio-pool-pipeline  uio, pg::pool of --pool connections, one task per connection, each
//                      pipelining --depth queries (a batch job spread over a pool)
//
// Every engine sums the abalance values it got back and counts rows (one per query): the
// sums must agree. Connections are made and statements prepared before the clock starts.
// Latency is per query: send to result (for pipelines that includes the wait in the pipe).
#include "pg_bench.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "report.hpp"
#include "stats.hpp"
#include "uio/core/error_kind.hpp"
#include "uio/core/task_group.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/pipeline.hpp"
#include "uio/db/pg/pool.hpp"
#include "uio/uring/io_context.hpp"

namespace ubench {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace pg = uio::pg;

constexpr const char* statement_name = "ubench_select";
constexpr const char* statement_sql = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";

struct xorshift {
    std::uint64_t state;
    std::uint64_t next() noexcept {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
};

// What one run of an engine produced.
struct query_run {
    double seconds = 0;
    std::int64_t sum = 0;
    std::uint64_t rows = 0;
    std::vector<std::uint32_t> latency_ns;
};

std::uint32_t ns_since(clock_type::time_point t) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t).count();
    return static_cast<std::uint32_t>(std::min<long long>(ns, 0xffffffffLL));
}

// The work: aids as the text the server parses, and where each engine is up to.
struct workload {
    std::vector<std::string> aids;
    std::uint64_t max_aid = 0;
};

// ---- blocking libpq ---------------------------------------------------------------------------

struct pq_deleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using pq_conn = std::unique_ptr<PGconn, pq_deleter>;

// Failures of the server or of the setup (no server, no pgbench tables) are the user's to
// fix: database errors (exit 1), with what to do, not internal ones.
pq_conn blocking_connect(const std::string& conninfo) {
    pq_conn conn(PQconnectdb(conninfo.c_str()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        throw uio::database_error(
            std::string("cannot connect to PostgreSQL: ") +
            (conn ? PQerrorMessage(conn.get()) : "out of memory") +
            " (is the server running? the connection comes from PGHOST, PGPORT... or --conninfo)");
    }
    return conn;
}

void pq_check(PGresult* r, ExecStatusType want, PGconn* c, const char* what) {
    if (PQresultStatus(r) != want) {
        std::string message = std::string(what) + ": " + PQerrorMessage(c);
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state && std::string_view(state) == "42P01") {  // undefined_table
            message = "this database has no pgbench tables (" + message +
                      "): run `pgbench -i` on it first";
        }
        PQclear(r);
        throw uio::database_error(message);
    }
}

class blocking_engine {
  public:
    explicit blocking_engine(const std::string& conninfo) : conn_(blocking_connect(conninfo)) {
        PGresult* r = PQprepare(conn_.get(), statement_name, statement_sql, 1, nullptr);
        pq_check(r, PGRES_COMMAND_OK, conn_.get(), "PQprepare");
        PQclear(r);
    }

    query_run run(const workload& w, std::uint64_t n) {
        query_run out;
        out.latency_ns.reserve(n);
        auto start = clock_type::now();
        for (std::uint64_t i = 0; i < n; ++i) {
            auto t = clock_type::now();
            const char* value = w.aids[i].c_str();
            PGresult* r =
                PQexecPrepared(conn_.get(), statement_name, 1, &value, nullptr, nullptr, 0);
            pq_check(r, PGRES_TUPLES_OK, conn_.get(), "PQexecPrepared");
            for (int row = 0; row < PQntuples(r); ++row) {
                out.sum += std::atoll(PQgetvalue(r, row, 0));
                ++out.rows;
            }
            PQclear(r);
            out.latency_ns.push_back(ns_since(t));
        }
        out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
        return out;
    }

    std::string server_version() const {
        int v = PQserverVersion(conn_.get());
        return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
    }

    std::uint64_t max_aid() {
        PGresult* r = PQexec(conn_.get(), "SELECT max(aid) FROM pgbench_accounts");
        pq_check(r, PGRES_TUPLES_OK, conn_.get(), "SELECT max(aid) FROM pgbench_accounts");
        std::uint64_t v =
            PQgetisnull(r, 0, 0) ? 0 : std::strtoull(PQgetvalue(r, 0, 0), nullptr, 10);
        PQclear(r);
        if (v == 0) throw uio::database_error("pgbench_accounts is empty: run `pgbench -i` first");
        return v;
    }

  private:
    pq_conn conn_;
};

// ---- uio ------------------------------------------------------------------------------------

void add_row(query_run& out, const pg::result& r) {
    for (pg::row row : r) {
        out.sum += row[0].as<std::int64_t>();
        ++out.rows;
    }
}

uio::task<void> prepare(pg::connection& conn) {
    std::string name = statement_name;
    std::string sql = statement_sql;
    co_await conn.prepare(name, sql);
}

// One connection, one query at a time.
uio::task<query_run> uio_single(pg::connection& conn, const workload& w, std::uint64_t n) {
    query_run out;
    out.latency_ns.reserve(n);
    std::string name = statement_name;
    auto start = clock_type::now();
    for (std::uint64_t i = 0; i < n; ++i) {
        auto t = clock_type::now();
        pg::result r = co_await conn.fetch_prepared(name, w.aids[i]);
        add_row(out, r);
        out.latency_ns.push_back(ns_since(t));
    }
    out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    co_return out;
}

// Sends queries taken from `next` (shared by every pipeline of a run) through one pipeline
// of `depth`, receiving as it goes; adds into `out`.
uio::task<void> pipeline_share(pg::connection& conn, const workload& w, std::uint64_t n,
                               std::uint64_t& next, unsigned depth, query_run& out) {
    pg::pipeline_options po;
    po.max_in_flight = depth;
    auto p = co_await pg::pipeline::open(conn, po);
    std::string name = statement_name;
    std::vector<clock_type::time_point> sent_at(depth);
    std::uint64_t received = 0;
    auto receive_one = [&]() -> uio::task<void> {
        pg::result r = co_await p.receive();
        add_row(out, r);
        out.latency_ns.push_back(ns_since(sent_at[received % depth]));
        ++received;
    };
    while (next < n) {
        std::uint64_t i = next++;
        std::uint64_t index = p.sent();
        sent_at[index % depth] = clock_type::now();
        co_await p.send_prepared(name, w.aids[i]);
        if (p.unreceived() >= depth) co_await receive_one();
    }
    while (p.unreceived() > 0) co_await receive_one();
    co_await p.close();
}

uio::task<query_run> uio_pipelined(pg::connection& conn, const workload& w, std::uint64_t n,
                                   unsigned depth) {
    query_run out;
    out.latency_ns.reserve(n);
    std::uint64_t next = 0;
    auto start = clock_type::now();
    co_await pipeline_share(conn, w, n, next, depth, out);
    out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    co_return out;
}

// Prepares the statement on a pooled connection the first time it is seen.
uio::task<void> ensure_prepared(pg::connection& conn, std::set<int>& prepared) {
    if (prepared.count(conn.backend_pid()) != 0) co_return;
    co_await prepare(conn);
    prepared.insert(conn.backend_pid());
}

// Many tasks; each query acquires a pooled connection, runs, releases.
uio::task<query_run> uio_pool_tasks(pg::pool& pool, std::set<int>& prepared, const workload& w,
                                    std::uint64_t n, unsigned tasks) {
    query_run out;
    out.latency_ns.reserve(n);
    std::uint64_t next = 0;
    std::string name = statement_name;
    auto worker = [&]() -> uio::task<void> {
        while (next < n) {
            std::uint64_t i = next++;
            auto t = clock_type::now();
            auto conn = co_await pool.acquire(30s);
            co_await ensure_prepared(*conn, prepared);
            pg::result r = co_await conn->fetch_prepared(name, w.aids[i]);
            add_row(out, r);
            out.latency_ns.push_back(ns_since(t));
        }
    };
    auto spawn_all = [&](uio::task_group& group) -> uio::task<void> {
        for (unsigned k = 0; k < tasks; ++k) group.spawn(worker());
        co_return;
    };
    auto start = clock_type::now();
    co_await uio::with_task_group(spawn_all);
    out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    co_return out;
}

// One task per pooled connection, each pipelining.
uio::task<query_run> uio_pool_pipelines(pg::pool& pool, std::set<int>& prepared, const workload& w,
                                        std::uint64_t n, unsigned depth) {
    query_run out;
    out.latency_ns.reserve(n);
    std::uint64_t next = 0;
    auto worker = [&]() -> uio::task<void> {
        auto conn = co_await pool.acquire(30s);
        co_await ensure_prepared(*conn, prepared);
        co_await pipeline_share(*conn, w, n, next, depth, out);
    };
    auto spawn_all = [&](uio::task_group& group) -> uio::task<void> {
        for (std::size_t k = 0; k < pool.size(); ++k) group.spawn(worker());
        co_return;
    };
    auto start = clock_type::now();
    co_await uio::with_task_group(spawn_all);
    out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    co_return out;
}

// ---- the runs -------------------------------------------------------------------------------

struct engine_series {
    std::string name;
    std::string what;
    std::vector<double> ops_per_s;
    std::vector<double> p50_us;
    std::vector<double> p99_us;
    std::int64_t sum = 0;
    std::uint64_t rows = 0;
    bool sum_ok = true;
    double ratio = 0;

    void add(query_run r, std::uint64_t n, bool first) {
        ops_per_s.push_back(static_cast<double>(n) / r.seconds);
        p50_us.push_back(percentile(r.latency_ns, 50) / 1000.0);
        p99_us.push_back(percentile(r.latency_ns, 99) / 1000.0);
        if (first) {
            sum = r.sum;
            rows = r.rows;
        } else if (r.sum != sum || r.rows != rows) {
            sum_ok = false;
        }
    }
};

struct report {
    std::string server_version;
    std::uint64_t queries = 0;
    std::uint64_t max_aid = 0;
    unsigned repeat = 0;
    std::uint64_t seed = 0;
    double load[3] = {0, 0, 0};
    std::vector<engine_series> engines;
    bool sums_agree = true;
};

void print_table(std::FILE* out, const report& rep) {
    std::fprintf(out,
                 "ubench pg: %llu primary-key SELECTs on pgbench_accounts (aid 1..%llu, seed "
                 "%llu), PostgreSQL %s\n%u runs per engine, interleaved; median [min-max]; "
                 "latency per query, medians over runs; load average %.2f %.2f %.2f\n\n",
                 static_cast<unsigned long long>(rep.queries),
                 static_cast<unsigned long long>(rep.max_aid),
                 static_cast<unsigned long long>(rep.seed), rep.server_version.c_str(), rep.repeat,
                 rep.load[0], rep.load[1], rep.load[2]);
    std::fprintf(out, "  %-18s %-26s %9s %9s %10s  %-20s  %s\n", "engine",
                 "queries/s median [min-max]", "p50 us", "p99 us", "x blocking", "sum of abalance",
                 "what");
    for (const engine_series& e : rep.engines) {
        spread ops = summarize(e.ops_per_s);
        std::string ops_text = short_number(ops.median) + " [" + short_number(ops.min) + "-" +
                               short_number(ops.max) + "]";
        std::string ratio = e.ratio > 0 ? std::to_string(e.ratio).substr(0, 5) + "x" : "-";
        std::fprintf(out, "  %-18s %-26s %9.1f %9.1f %10s  %-20lld  %s%s\n", e.name.c_str(),
                     ops_text.c_str(), summarize(e.p50_us).median, summarize(e.p99_us).median,
                     ratio.c_str(), static_cast<long long>(e.sum), e.what.c_str(),
                     e.sum_ok ? "" : "  SUM MISMATCH");
    }
    std::fprintf(out, "\nsums %s\n", rep.sums_agree ? "agree" : "DISAGREE");
}

void write_json(std::FILE* out, const report& rep) {
    std::fprintf(out, "{\n  \"benchmark\": \"pg\",\n  \"server_version\": %s,\n",
                 json_string(rep.server_version).c_str());
    std::fprintf(out,
                 "  \"queries\": %llu,\n  \"max_aid\": %llu,\n  \"repeat\": %u,\n  \"seed\": "
                 "%llu,\n  \"load_average\": [%.2f, %.2f, %.2f],\n  \"sums_agree\": %s,\n",
                 static_cast<unsigned long long>(rep.queries),
                 static_cast<unsigned long long>(rep.max_aid), rep.repeat,
                 static_cast<unsigned long long>(rep.seed), rep.load[0], rep.load[1], rep.load[2],
                 rep.sums_agree ? "true" : "false");
    std::fprintf(out, "  \"engines\": [");
    for (std::size_t i = 0; i < rep.engines.size(); ++i) {
        const engine_series& e = rep.engines[i];
        spread ops = summarize(e.ops_per_s);
        std::fprintf(out,
                     "%s\n    {\"engine\": %s, \"what\": %s, \"median_ops_per_s\": %.0f, "
                     "\"min_ops_per_s\": %.0f, \"max_ops_per_s\": %.0f, \"p50_us\": %.1f, "
                     "\"p99_us\": %.1f, \"ratio\": %.3f, \"sum\": %lld, \"rows\": %llu, "
                     "\"sum_ok\": %s, \"samples\": [",
                     i ? "," : "", json_string(e.name).c_str(), json_string(e.what).c_str(),
                     ops.median, ops.min, ops.max, summarize(e.p50_us).median,
                     summarize(e.p99_us).median, e.ratio, static_cast<long long>(e.sum),
                     static_cast<unsigned long long>(e.rows), e.sum_ok ? "true" : "false");
        for (std::size_t k = 0; k < e.ops_per_s.size(); ++k) {
            std::fprintf(out, "%s%.0f", k ? ", " : "", e.ops_per_s[k]);
        }
        std::fprintf(out, "]}");
    }
    std::fprintf(out, "\n  ]\n}\n");
}

bool wanted(const pg_options& opt, const std::string& engine) {
    return opt.engines.empty() ||
           std::find(opt.engines.begin(), opt.engines.end(), engine) != opt.engines.end();
}

}  // namespace

const std::vector<std::string>& pg_engine_names() {
    static const std::vector<std::string> names = {"blocking", "uio", "uio-pipeline", "uio-pool",
                                                   "uio-pool-pipeline"};
    return names;
}

int run_pg(const pg_options& opt) {
    for (const std::string& e : opt.engines) {
        const auto& all = pg_engine_names();
        if (std::find(all.begin(), all.end(), e) == all.end()) {
            throw uio::usage_error("--engines: unknown '" + e + "'");
        }
    }
    if (opt.depth == 0 || opt.pool_size == 0 || opt.pool_tasks == 0 || opt.queries == 0) {
        throw uio::usage_error("--queries, --depth, --pool and --tasks must be at least 1");
    }

    // The blocking connection also finds the table's size and the server's version.
    blocking_engine blocking(opt.conninfo);
    report rep;
    rep.server_version = blocking.server_version();
    rep.queries = opt.queries;
    rep.repeat = opt.repeat;
    rep.seed = opt.seed;
    rep.max_aid = blocking.max_aid();

    workload w;
    w.max_aid = rep.max_aid;
    w.aids.reserve(opt.queries);
    xorshift rng{opt.seed == 0 ? 1 : opt.seed};
    for (std::uint64_t i = 0; i < opt.queries; ++i) {
        w.aids.push_back(std::to_string(rng.next() % w.max_aid + 1));
    }

    auto describe = [&](const std::string& name) -> std::string {
        if (name == "blocking") return "libpq PQexecPrepared loop, 1 connection";
        if (name == "uio") return "1 connection, 1 query at a time";
        if (name == "uio-pipeline") return "1 connection, pipeline of " + std::to_string(opt.depth);
        if (name == "uio-pool")
            return "pool of " + std::to_string(opt.pool_size) + ", " +
                   std::to_string(opt.pool_tasks) + " tasks: acquire, 1 query, release";
        return "pool of " + std::to_string(opt.pool_size) +
               ", 1 task per connection, pipeline of " + std::to_string(opt.depth) + " each";
    };
    for (const std::string& name : pg_engine_names()) {
        if (wanted(opt, name))
            rep.engines.push_back({name, describe(name), {}, {}, {}, 0, 0, true, 0});
    }

    uio::io_context context;
    std::unique_ptr<pg::connection> conn;
    std::unique_ptr<pg::pool> pool;
    std::set<int> prepared;
    const std::string conninfo = opt.conninfo;
    context.run([&]() -> uio::task<void> {
        auto c = co_await pg::connection::connect(conninfo, 10s);
        co_await prepare(c);
        conn = std::make_unique<pg::connection>(std::move(c));
    }());
    pg::pool_options pool_opt;
    pool_opt.size = opt.pool_size;
    pool = std::make_unique<pg::pool>(conninfo, pool_opt);

    auto run_engine = [&](const std::string& name, std::uint64_t n) -> query_run {
        if (name == "blocking") return blocking.run(w, n);
        if (name == "uio") return context.run(uio_single(*conn, w, n));
        if (name == "uio-pipeline") return context.run(uio_pipelined(*conn, w, n, opt.depth));
        if (name == "uio-pool")
            return context.run(uio_pool_tasks(*pool, prepared, w, n, opt.pool_tasks));
        return context.run(uio_pool_pipelines(*pool, prepared, w, n, opt.depth));
    };

    // Warm-up (not measured): caches, connections in the pool, prepared statements.
    std::uint64_t warm = std::min<std::uint64_t>(opt.queries, 5'000);
    for (engine_series& e : rep.engines) run_engine(e.name, warm);

    for (unsigned r = 0; r < opt.repeat; ++r) {
        for (engine_series& e : rep.engines) {
            if (!opt.quiet)
                std::fprintf(stderr, "ubench pg: run %u/%u %s\n", r + 1, opt.repeat,
                             e.name.c_str());
            e.add(run_engine(e.name, opt.queries), opt.queries, r == 0);
        }
    }

    // Close the uio connections on the loop.
    context.run([&]() -> uio::task<void> {
        conn.reset();
        pool.reset();
        co_return;
    }());

    const engine_series* base = nullptr;
    for (const engine_series& e : rep.engines) {
        if (e.name == "blocking") base = &e;
    }
    for (engine_series& e : rep.engines) {
        if (base) e.ratio = summarize(e.ops_per_s).median / summarize(base->ops_per_s).median;
        if (!e.sum_ok || e.sum != rep.engines.front().sum || e.rows != opt.queries ||
            e.rows != rep.engines.front().rows) {
            rep.sums_agree = false;
        }
    }
    if (::getloadavg(rep.load, 3) < 0) rep.load[0] = rep.load[1] = rep.load[2] = -1;

    print_table(people(opt.json_path), rep);
    if (!opt.json_path.empty()) {
        write_output(opt.json_path, [&](std::FILE* f) { write_json(f, rep); });
    }
    return rep.sums_agree ? 0 : 3;
}

}  // namespace ubench
