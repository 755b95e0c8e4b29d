// sqlite_upsert: --mode upsert into SQLite. Each batch goes in through the same multi-row
// INSERTs as any load, ended by an upsert clause:
//
//   INSERT INTO t (cols) VALUES (...), ... ON CONFLICT (key) DO UPDATE SET col = excluded.col
//
// (DO NOTHING when every column is a key). SQLite applies it row by row, in input order,
// so a key the input repeats ends with its last row. ON CONFLICT needs a unique index on
// exactly the key: checked before anything is written; a table the load creates gets a
// primary key, with the key columns NOT NULL (SQLite's primary keys accept NULL otherwise).
// A NULL key would never conflict — a duplicate in the making — so such a row is a bad row,
// rejected (file:line) while the batch is converted, before SQLite sees it.
#pragma once

#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/row_batch.hpp"
#include "uio/db/sqlite/executor.hpp"

namespace uio::etl {

// Throws unless `table` has a primary key or unique index (not partial, no expressions)
// on exactly `key`.
task<void> require_sqlite_unique_key(sqlite::executor& db, std::string table,
                                     std::vector<std::string> key);

// " ON CONFLICT (key) DO UPDATE SET ..." for loading `columns`.
std::string sqlite_upsert_clause(const std::vector<std::string>& columns,
                                 const std::vector<std::string>& key);

// Moves the rows of `batch` with a NULL in a key column (`key_columns`: positions in its
// rows of `width` cells, named `key_names`) to its rejects.
void reject_null_keys(row_batch& batch, std::size_t width,
                      const std::vector<std::size_t>& key_columns,
                      const std::vector<std::string>& key_names);

}  // namespace uio::etl
