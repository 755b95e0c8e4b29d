// `ubench pg`: N primary-key SELECTs on pgbench_accounts by a blocking libpq loop and by uio
// (one connection, a pipeline, a pool), the same random aids for every engine, and every
// engine's sum of abalance must agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ubench {

struct pg_options {
    std::string conninfo;  // "" : the PG* environment variables
    std::uint64_t queries = 100'000;
    unsigned repeat = 3;
    unsigned depth = 100;      // queries in flight per pipeline
    unsigned pool_size = 4;    // connections in the pool engines
    unsigned pool_tasks = 64;  // concurrent tasks of uio-pool
    std::uint64_t seed = 20240601;
    std::vector<std::string> engines;  // empty: all
    std::string json_path;             // "-" : stdout (the table goes to stderr)
    bool quiet = false;
};

// Names of the engines, in the order they run and print.
const std::vector<std::string>& pg_engine_names();

// Prints the table (and JSON); returns the exit code (3 when sums disagree).
int run_pg(const pg_options& options);

}  // namespace ubench
