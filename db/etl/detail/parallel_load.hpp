// parallel_load: `--connections N` — a CSV, TSV or JSON Lines file loaded into PostgreSQL by
// N COPY streams at once, still all or nothing.
//
// One reader cuts the file into blocks of whole records (~1 MiB; csv_block_splitter for
// CSV, whose quoted fields may hold newlines; JSON Lines records are lines, converted to CSV
// as by the one-connection load) and hands each block to a stream with room in its queue.
// The N streams are coroutines on the caller's io_context, each with its own connection
// whose socket the ring waits on; each COPYs its blocks into a staging table
// (postgres_staging_table.hpp), which one transaction then publishes. Nothing guesses a
// split point, so no record is ever cut in two.
//
// Errors keep their place in the file: every stream starts with a header line (the file's
// own, or a dummy one HEADER skips), so the line a COPY error names counts that stream's
// lines from a known start; a log of which block went to which stream, at which of its
// lines, turns it back into the file's line where the bad record starts. A value that does
// not fit a column whose type was inferred widens it where the load is: every stream ends
// its COPY at a cut, the control connection alters the staging table, and the streams start
// new COPYs (postgres_widen_in_place.hpp; the block log counts lines per COPY). --max-errors and
// --mode upsert are refused with
// --connections > 1 (a retry per bad row would cost N streams; upsert's "last row wins"
// needs the input's order, which N streams lose).
#pragma once

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/copy_context.hpp"
#include "uio/db/etl/endpoint.hpp"

namespace uio::etl {

// Usage errors for --connections: at least 1; more than 1 only from a data file into a
// PostgreSQL table, without --max-errors or --mode upsert.
void check_connections_option(const table_copy_options& o, const endpoint& source,
                              const endpoint& destination);

// Loads `src` into `dst` over o.connections COPY streams.
task<void> parallel_file_to_postgres(copy_context& ctx, data_file_endpoint src,
                                     postgres_endpoint dst);

}  // namespace uio::etl
