// postgres_upsert: --mode upsert into PostgreSQL, inside postgres_table_load's transaction.
// The rows are COPYed into a temporary staging table (not WAL-logged, dropped at commit),
// then merged with one
//
//   INSERT INTO t (cols) SELECT cols FROM staging
//   ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col, ...   (DO NOTHING: every column a key)
//
// so a failure anywhere — a bad row in the COPY, a constraint in the merge — rolls it all
// back. ON CONFLICT needs a unique index on exactly the key (checked before the COPY; a
// table the load creates gets a primary key). Staging columns are the loaded columns with
// the target's types, the key columns NOT NULL, so a NULL key fails the COPY at its line
// like any bad value (and is skipped under --max-errors). The staging table is built with
// CREATE TABLE AS ... WITH NO DATA rather than LIKE, which would copy the NOT NULL
// constraints of target columns the input does not fill (their defaults apply in the merge).
//
// A key repeated in the input makes ON CONFLICT DO UPDATE fail ("cannot affect row a second
// time"). The merge runs first without deduplication under a savepoint — a clean input pays
// nothing — and on that error again with DISTINCT ON (key) ... ORDER BY key, ctid DESC: the
// last row wins, because one COPY into a fresh temporary table stores rows in input order.
//
// Counting inserted rows (for --stats) takes RETURNING (xmax = 0) through a CTE, which
// cost 10-17% of the merge on 1M rows, so it is done only when asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/error.hpp"

namespace uio::etl {

// Throws unless `table` has a unique index usable by ON CONFLICT (valid, not deferrable,
// not partial, no expressions; a primary key or unique constraint counts) whose key
// columns are exactly `key`.
task<void> require_postgres_unique_key(pg::connection& conn, std::string table,
                                       std::vector<std::string> key);

// ", PRIMARY KEY (a, b)": the end of a created table's column list.
std::string postgres_primary_key_clause(const pg::connection& conn,
                                        const std::vector<std::string>& key);

// Creates the staging table for loading `columns` into `table`; returns its name.
task<std::string> create_postgres_staging(pg::connection& conn, std::string table,
                                          std::vector<column_spec> columns,
                                          std::vector<std::string> key);

// Merges the staging table into `table`; with `count`, returns the rows that added a key.
task<std::optional<std::int64_t>> merge_postgres_staging(pg::connection& conn, std::string staging,
                                                         std::string table,
                                                         std::vector<column_spec> columns,
                                                         std::vector<std::string> key, bool count);

// A COPY into the staging table refused for a NULL key, said as such (the server's message
// names the staging table); other errors as they are.
pg::error postgres_upsert_copy_error(const pg::error& e);

}  // namespace uio::etl
