// postgres_upsert: --mode upsert into PostgreSQL, inside postgres_table_load's transaction.
// The rows are COPYed into a temporary staging table (not WAL-logged, dropped at commit),
// then merged with one MERGE (below) or
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
// A CSV or text file into a table that exists goes in batches instead, each COPYed on a
// second connection while the one before is merged here (postgres_upsert_overlap.hpp).
//
// The merge is MERGE where it means the same as ON CONFLICT (PostgreSQL 15+, a table without
// user triggers, rules or row-level security, a key index with the columns' own equality:
// postgres_merge_usable):
//
//   MERGE INTO t USING staging ON t.key = staging.key
//   WHEN MATCHED THEN UPDATE SET col = staging.col, ...  WHEN NOT MATCHED THEN INSERT ...
//
// It joins the two tables — a hash join when the staging table is the larger, else index
// probes as ON CONFLICT does (the planner would hash a large target whole), without JIT —
// where ON CONFLICT also inserts speculatively and locks each row before updating it. Server
// CPU of the merge, 1M rows half new: into 0.5M rows 4.2 s against ON CONFLICT's 4.7-5.3 s,
// into 3M rows 3.7 s against 6.6 s (the .cpp's steer_merge_plan has the figures). MERGE is
// not safe against a row inserted meanwhile by another session (unique_violation), so
// that error, like a key repeated, rolls back to a savepoint and the merge runs again:
//
// A key repeated in the input makes both fail (MERGE: "cannot affect row a second time", or
// unique_violation among new rows; ON CONFLICT: "cannot affect row a second time"). The
// merge runs first without deduplication under a savepoint — a clean input pays nothing —
// and on that error again with DISTINCT ON (key) ... ORDER BY key, ctid DESC: the last row
// wins, because one COPY into a fresh temporary table stores rows in input order. A MERGE
// that still fails with unique_violation gives way to ON CONFLICT, which decides as it
// would have alone (a concurrent insert; another unique index says what it said before).
//
// Counting inserted rows (for --stats) takes ON CONFLICT's RETURNING (xmax = 0) through a
// CTE (MERGE has no RETURNING before PostgreSQL 17), which cost 10-17% of the merge on 1M
// rows, so it is done only when asked for.
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

// Whether merging into `table` on `key` may use MERGE (see above): PostgreSQL 15+; no user
// trigger, rule or row-level security on the table or its partitions; a unique index on
// exactly `key` with default operator classes and the columns' collations.
task<bool> postgres_merge_usable(pg::connection& conn, std::string table,
                                 std::vector<std::string> key);

// Which rows of the staging table a merge takes: all of them, or one batch of a staging
// table that is still filling (postgres_upsert_overlap.hpp) — `where` (e.g. a ctid range)
// and the batch's size in bytes, which steers the plan instead of the table's size.
struct staged_rows {
    std::string where;
    std::optional<std::int64_t> bytes;
};

// Merges the staging table (or `rows` of it: pass a named variable, g++ 12 destroys a
// temporary in a co_await expression twice) into `table`; with `count`, returns the rows
// that added a key.
task<std::optional<std::int64_t>> merge_postgres_staging(pg::connection& conn, std::string staging,
                                                         std::string table,
                                                         std::vector<column_spec> columns,
                                                         std::vector<std::string> key, bool count,
                                                         staged_rows rows);

// A COPY into the staging table refused for a NULL key, said as such (the server's message
// names the staging table); other errors as they are.
pg::error postgres_upsert_copy_error(const pg::error& e);

}  // namespace uio::etl
