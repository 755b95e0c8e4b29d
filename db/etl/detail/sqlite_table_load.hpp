// sqlite_table_load: loading rows into a SQLite table as one transaction. BEGIN IMMEDIATE,
// then (by mode) create the missing table, or load a new table for `replace`, then batches
// of converted rows, then the swap (DROP old, RENAME new) and COMMIT. Any failure before
// commit() rolls everything back: the table is exactly as it was.
//
// Widening: in a table this load creates, a column whose kind was inferred loses its
// declared type when a batch holds a value that kind does not (row_batch::widens). SQLite
// has no ALTER COLUMN, but a declared type only sets the affinity new values get: the
// table's CREATE TABLE text is rewritten inside the transaction (writable_schema; no row is
// touched: the .cpp says why that is safe), once per widening column at most. A key column
// (upsert) has its table rebuilt instead — a new table, the rows copied, the old one
// dropped, the new one renamed. Either way the other columns keep their affinity and the
// widened one has none. Why no type rather than REAL or TEXT: affinity rewrites values on
// the way in — REAL turns 100000 into 1e+05 on the way out and 2^53+1 into 2^53, TEXT turns
// 0.30000000000000004 into '0.3' and a JSON number into a string, INTEGER turns '1.50'
// into 1.5 and '007' into 7 — while a column without a type keeps each value as it came.
//
// Not sqlite::bulk_inserter: that one opens its own transaction, so the CREATE TABLE and the
// replace swap could not share it; this runs the same sqlite::row_insert (multi-row INSERTs
// of packed rows) on the worker, one hop per batch.
//
// Upsert (sqlite_upsert.hpp): like append, with an ON CONFLICT clause on every INSERT.
//
// Lifetime: must not outlive its database; belongs to one task.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/row_batch.hpp"
#include "uio/db/etl/load_mode.hpp"
#include "uio/db/sqlite/database.hpp"
#include "uio/db/sqlite/row_insert.hpp"

namespace uio::etl {

struct sqlite_load_request {
    std::string table;
    std::vector<column_spec> source_columns;  // names (and kinds) the source provides
    bool by_position = false;                 // the source has no header: match columns by order
    load_mode mode = load_mode::append;
    std::vector<column_spec> schema;  // --schema overrides (empty: none)
    std::vector<std::string> key;     // upsert's key columns (sqlite_upsert.hpp)
    bool count_upserts = false;       // upsert: count inserted rows (for --stats)
};

class sqlite_table_load {
  public:
    static task<std::unique_ptr<sqlite_table_load>> begin(sqlite::database& db,
                                                          sqlite_load_request request);

    // The destination columns being loaded, with the kinds values must fit, and for each
    // the source column feeding it.
    const std::vector<column_spec>& columns() const noexcept { return columns_; }
    const std::vector<std::size_t>& order() const noexcept { return order_; }
    // Upsert: where the key columns are among columns(), and their names as given.
    const std::vector<std::size_t>& key_columns() const noexcept { return key_columns_; }
    const std::vector<std::string>& key() const noexcept { return key_; }
    // Upsert with count_upserts, after commit(): the rows that added a key (the others
    // updated one), from the table's row count before and after.
    std::optional<std::int64_t> inserted() const noexcept { return inserted_keys_; }

    // How many times columns widened (a batch that widened any).
    std::uint64_t widenings() const noexcept { return widenings_; }

    // Inserts a batch (widening first what it needs); a failing row (a constraint) throws
    // naming `source`:line.
    task<void> insert(std::shared_ptr<row_batch> batch, std::string source);
    // Swaps in the new table (replace) and commits; returns the rows inserted.
    task<std::int64_t> commit();

  private:
    explicit sqlite_table_load(sqlite::transaction tx) : tx_(std::move(tx)) {}
    // Drops the declared type of the inferred columns `widens` marks that still have one.
    task<void> widen(std::vector<bool> widens);

    sqlite::transaction tx_;
    std::string table_;
    std::string load_table_;  // table_, or the new table that replace swaps in
    std::shared_ptr<const sqlite::row_insert> insert_;  // shared with the worker's jobs
    bool swap_ = false;
    std::vector<column_spec> columns_;
    std::vector<std::size_t> order_;
    std::int64_t inserted_ = 0;
    std::vector<std::string> key_;
    std::vector<std::size_t> key_columns_;
    bool count_upserts_ = false;
    std::uint64_t widenings_ = 0;
    std::int64_t rows_before_ = 0;  // the table's rows before the load
    std::optional<std::int64_t> inserted_keys_;
};

// Whether `table` exists (a table or view) in `db`.
task<bool> sqlite_table_exists(sqlite::executor& db, std::string table);
// The declared columns of `table` (PRAGMA table_info), empty if it does not exist.
task<std::vector<column_spec>> sqlite_table_columns(sqlite::executor& db, std::string table);

}  // namespace uio::etl
