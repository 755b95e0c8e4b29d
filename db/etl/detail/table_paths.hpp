// The table paths, one per (source, destination) pair. Each runs on the caller's io_context
// and throws on failure; copy_table_and_report turns exceptions into messages and exit codes.
#pragma once

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/copy_context.hpp"
#include "uio/db/etl/endpoint.hpp"

namespace uio::etl {

// data file (CSV, TSV, JSON Lines) → SQLite table
task<void> file_to_sqlite(copy_context& ctx, data_file_endpoint src, sqlite_endpoint dst);
// SQLite table or query → data file
task<void> sqlite_to_file(copy_context& ctx, sqlite_endpoint src, data_file_endpoint dst);
// data file → PostgreSQL table, through COPY FROM STDIN (CSV/TSV unparsed; JSON Lines parsed
// and sent as CSV by jsonl_to_postgres)
task<void> file_to_postgres(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst);
task<void> jsonl_to_postgres(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst);
// PostgreSQL table or query → data file, through COPY TO STDOUT (JSON Lines: row_to_json)
task<void> postgres_to_file(copy_context& ctx, postgres_endpoint src, data_file_endpoint dst);
// PostgreSQL → SQLite and back, streamed without an intermediate file
task<void> postgres_to_sqlite(copy_context& ctx, postgres_endpoint src, sqlite_endpoint dst);
task<void> sqlite_to_postgres(copy_context& ctx, sqlite_endpoint src, postgres_endpoint dst);

}  // namespace uio::etl
