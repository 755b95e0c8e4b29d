// copy_table: the table-copy engine as a library call — what `ucopy SRC DST` runs when an
// endpoint is a table — for programs that embed uio in an ETL job. It runs on the caller's
// io_context, so several copies can run side by side on one loop:
//
//   uio::etl::table_copy_options options;
//   options.mode = uio::etl::load_mode::replace;
//   uio::etl::table_copy_stats done = co_await uio::etl::copy_table(
//       uio::etl::parse_endpoint("sales.csv"),
//       uio::etl::parse_endpoint("postgresql:///shop?table=sales"), options);
//
// The rules are the CLI's: a load is one transaction (nothing committed on failure), an
// export is published by rename, bad rows beyond `max_errors` fail the copy with
// file:line:column. Failures throw; messages never contain a password.
#pragma once

#include <functional>

#include "uio/core/task.hpp"
#include "uio/db/etl/endpoint.hpp"
#include "uio/db/etl/table_copy_options.hpp"
#include "uio/db/etl/table_copy_stats.hpp"

namespace uio::etl {

// Called on the loop thread as rows go by (at most every 100 ms, and once at the end), with
// the counts so far; `input_bytes` is the source file's size when known (else 0).
using progress_callback =
    std::function<void(const table_copy_stats& so_far, std::uint64_t input_bytes)>;

// Copies rows from `source` to `destination` (data files, PostgreSQL, SQLite; see endpoint.hpp).
// `options.dry_run`, `progress` and `stats_json` are the CLI's and are ignored here.
task<table_copy_stats> copy_table(endpoint source, endpoint destination, table_copy_options options,
                                  progress_callback progress = nullptr);

// The same with default options. An overload, not a default argument: g++ 12 destroys a
// default argument's temporary twice when the call is inside a co_await expression (GCC
// PR 99576), which callers of this function always are.
task<table_copy_stats> copy_table(endpoint source, endpoint destination);

}  // namespace uio::etl
