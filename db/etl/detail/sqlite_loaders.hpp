// Loading text streams into SQLite: CSV (from a file or from PostgreSQL's COPY TO STDOUT)
// and JSON Lines. Chunks arrive on a channel from a producer running alongside; parsing and
// conversion run on the thread pool, inserts on the SQLite worker, so reading, parsing and
// inserting overlap:
//
//   producer → channel<chunk> → parse+convert (thread pool) → channel<row_batch> → insert
//
// Column types: `known` (a PostgreSQL source's), else inferred from the first chunk's rows
// (and widened past them: row_batch.hpp), and --schema over both. The whole load is one
// transaction (see sqlite_table_load).
#pragma once

#include <string>
#include <vector>

#include "uio/core/channel.hpp"
#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/copy_context.hpp"
#include "uio/db/etl/detail/input_file.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/sqlite/database.hpp"

namespace uio::etl {

task<void> load_csv_into_sqlite(copy_context& ctx, channel<std::string>& chunks,
                                formats::csv_options csv, sqlite::database& db, std::string table,
                                std::vector<column_spec> known);

task<void> load_jsonl_into_sqlite(copy_context& ctx, channel<std::string>& chunks,
                                  std::string source, sqlite::database& db, std::string table);

// The header and column types of a CSV or text-format (csv.text_format) file, from its
// first rows (sample_first_rows); "FILE: no rows and no header" for an empty one.
task<std::vector<column_spec>> sample_csv_columns(input_file& in, formats::csv_options csv);

// The columns and types a load would create from this sample (for --dry-run too), every
// kind marked inferred.
std::vector<column_spec> infer_csv_columns(const std::vector<std::string>& header,
                                           std::size_t width, const formats::csv_batch& sample);

}  // namespace uio::etl
