// postgres_table: the PostgreSQL side of table copies — connecting, looking at a table's
// columns, and a load as one transaction: BEGIN; CREATE TABLE if missing (or a new table
// for `replace`); COPY ... FROM STDIN (for upsert into a staging table, merged at commit:
// postgres_upsert.hpp); DROP + RENAME for replace; COMMIT. A failure at any point rolls
// back, so the table is exactly as it was.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "uio/core/async_generator.hpp"
#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/load_mode.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/transaction.hpp"

namespace uio::etl {

class postgres_upsert_overlap;

// Connects; with a `schema` (?table=schema.table), the session's search_path becomes that
// schema alone, so every statement of the copy — the table's lookup, CREATE TABLE, COPY,
// replace's rename, upsert's checks — names the table unqualified and means the one in that
// schema. A missing schema is a database error (ucopy creates tables, not schemas). Types
// in --schema from another schema are then written qualified (public.citext).
task<pg::connection> connect_postgres(std::string conninfo, std::string schema = {});

// For an export: TimeZone UTC and DateStyle ISO for this session, unless the client chose
// them (PGTZ, PGDATESTYLE, options=-c...). Dates and timestamps then come out the same
// whatever the server's settings, in the forms inference takes back (column_types.hpp):
// a timestamptz column loaded from "... +00" values exports as it was loaded.
task<void> use_export_settings(pg::connection& conn);

// The columns of `table` with their format_type() names; empty when it does not exist.
task<std::vector<column_spec>> postgres_table_columns(pg::connection& conn, std::string table);
// The columns a query returns (through a temporary view, which knows their types).
task<std::vector<column_spec>> postgres_query_columns(pg::connection& conn, std::string query);

// The COPY options clause: (FORMAT csv, HEADER ..., DELIMITER ..., QUOTE ..., NULL ...).
std::string copy_csv_options(const pg::connection& conn, bool header, char delimiter, char quote,
                             const std::optional<std::string>& null_string);

// COPY's options for a data file in this dialect: copy_csv_options, or for PostgreSQL's text
// format (.tsv: csv.text_format) (FORMAT text, HEADER ..., DELIMITER ..., NULL ...).
// HEADER with the text format needs PostgreSQL 15.
std::string copy_options(const pg::connection& conn, const formats::csv_options& csv, bool header);

struct postgres_load_request {
    std::string table;
    std::vector<column_spec> source_columns;
    bool by_position = false;  // no header: load into the table's columns in order
    load_mode mode = load_mode::append;
    std::vector<column_spec> schema;  // --schema overrides
    std::vector<std::string> key;     // upsert's key columns (postgres_upsert.hpp)
    bool count_upserts = false;       // upsert: count inserted rows (for --stats)
};

// `columns` with the types --schema gives (usage_error for a column the source lacks).
std::vector<column_spec> with_schema(std::vector<column_spec> columns,
                                     const std::vector<column_spec>& schema);

// A load as one transaction: begin() (BEGIN, and the table created if missing or for
// replace), copy(), commit() (replace's swap, COMMIT). Dropped before commit(), it rolls
// back. Must not outlive its connection; belongs to one task.
class postgres_table_load {
  public:
    static task<postgres_table_load> begin(pg::connection& conn, postgres_load_request request);

    // Whether this load created the table (a missing one, or replace's new one) with the
    // types of columns(): only then may a column whose type was inferred widen.
    bool created() const noexcept { return created_; }
    // The source's columns with the types asked for (--schema applied, and not inferred).
    const std::vector<column_spec>& columns() const noexcept { return columns_; }

    // COPY target (columns) FROM STDIN <copy_options>; returns the rows. Rethrows pg::error
    // as it is (with copy_line) for the caller to locate.
    task<std::int64_t> copy(std::string copy_options,
                            async_generator<std::span<const std::byte>> bytes);
    // Upsert of a CSV or text file (`csv`) into a table that exists: as copy(), with the COPY
    // of each batch on a second connection to `conninfo`, overlapped with the merge of the
    // batch before (postgres_upsert_overlap.hpp); copy() itself where that cannot be. On a
    // failure the transaction is rolled back before the rethrow.
    task<std::int64_t> copy_overlapping(std::string conninfo, std::string schema,
                                        formats::csv_options csv, std::string copy_options,
                                        async_generator<std::span<const std::byte>> bytes,
                                        std::size_t batch_floor);
    // Between two copy()s of a table it created: the columns' types become `wider`'s, the
    // rows already loaded cast to them (postgres_widen_in_place.hpp); upsert's staging table
    // too. Returns whether a type changed.
    task<bool> widen(std::vector<column_spec> wider, text_form form);
    task<void> commit();
    // Upsert with count_upserts, after commit(): the rows that added a key (the others
    // updated one).
    std::optional<std::int64_t> inserted() const noexcept { return inserted_; }

  private:
    postgres_table_load(pg::connection& conn, pg::transaction tx)
        : conn_(&conn), tx_(std::move(tx)) {}

    pg::connection* conn_;
    pg::transaction tx_;
    std::string table_;
    std::string target_;  // table_, or the new table that replace swaps in
    bool swap_ = false;
    bool created_ = false;
    bool list_columns_ = true;
    std::vector<column_spec> columns_;
    std::vector<std::string> key_;
    bool count_upserts_ = false;
    std::string staging_;  // upsert: where COPY goes, merged into table_ at commit
    std::shared_ptr<postgres_upsert_overlap> overlap_;  // or where it went, merged already
    std::optional<std::int64_t> inserted_;
};

// begin(), copy() and commit() in one.
task<std::int64_t> load_into_postgres(pg::connection& conn, postgres_load_request request,
                                      std::string copy_options,
                                      async_generator<std::span<const std::byte>> bytes);

}  // namespace uio::etl
