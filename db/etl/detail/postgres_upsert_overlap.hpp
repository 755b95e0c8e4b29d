// postgres_upsert_overlap: --mode upsert of a CSV or text file into a PostgreSQL table that
// exists, with the COPY of each batch of rows overlapped with the merge of the batch before.
// One connection does both today's steps serially (COPY into a temporary table, 1.0 s of
// server CPU for 1M rows, then the merge, 4.0-4.7 s), so the COPY moves to a second
// connection, which can only write into a table others see:
//
//   second connection (autocommit)          the load's connection (its one transaction)
//   CREATE UNLOGGED TABLE staging ...
//   COPY staging FROM STDIN  -- batch 1
//   SELECT max(ctid) ...     -- its end
//   COPY staging FROM STDIN  -- batch 2      MERGE INTO t USING (batch 1: a ctid range) ...
//   COPY ...                 -- batch 3      MERGE INTO t USING (batch 2) ...
//                                            ...   COMMIT
//   DROP TABLE staging
//
// Still atomic: only the load's transaction writes the target, and a failure anywhere (a bad
// row in any batch, a merge) rolls it back before the staging table is dropped; a kill
// leaves the target as it was and the staging table behind, named and locked as
// postgres_staging_table.hpp's (<table>__uio_load_<pid of the second connection>), so the
// next load into that table (upsert or --connections) drops it. Still exact: the staging
// table has the target's types (CREATE TABLE AS ... WITH NO DATA), the key columns NOT NULL.
// Still "the last row wins": the batches are merged in order, and within a batch a key
// repeated is deduplicated on ctid, which follows input order because the staging table
// only ever grows at its end (autovacuum off for it, so no free-space map sends a row back).
//
// A batch is at least 8 MiB of whole records (csv_block_splitter), and 1/8 of what went
// before, so a long load makes few batches (each merge is a subtransaction). A later batch's
// COPY starts with a dummy header line (copy_dummy_header), and a COPY error's line is moved
// by the lines of the batches before it, so errors and --max-errors name the file's line as
// before. table_copy_options::upsert_batch_bytes sets the 8 MiB (tests make small batches
// with it).
//
// Not used (the caller keeps the temporary table, postgres_upsert.hpp) for a table the load
// creates, for JSON Lines, before PostgreSQL 14 (no TID range scan), or when the second
// connection or its table cannot be had (no CREATE privilege on the schema, no connection
// slot left).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "uio/core/async_generator.hpp"
#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::etl {

class postgres_staging_table;

struct upsert_overlap_result {
    std::int64_t rows = 0;
    std::optional<std::int64_t> inserted;  // with `count`: the rows that added a key
};

class postgres_upsert_overlap {
  public:
    // The second connection and its staging table for upserting `columns` into `table` on
    // `key`; nullptr where the overlap is not used (see above).
    static task<std::unique_ptr<postgres_upsert_overlap>> open(std::string conninfo,
                                                               std::string schema,
                                                               std::string table,
                                                               std::vector<column_spec> columns,
                                                               std::vector<std::string> key);

    // The COPYs of `bytes` (the first with `first_options`) on the second connection and the
    // merges on `main`, inside its open transaction. A COPY error is rethrown as a pg::error
    // whose copy_line counts the lines of all batches. `batch_floor`: upsert_batch_bytes's.
    task<upsert_overlap_result> run(pg::connection& main, formats::csv_options csv,
                                    std::string first_options, bool count,
                                    async_generator<std::span<const std::byte>> bytes,
                                    std::size_t batch_floor);

    // Drops the staging table, once `main`'s transaction has ended (it holds a lock on it
    // until then). Errors are swallowed: a table left behind is dropped by the next load.
    task<void> drop();

    postgres_upsert_overlap(pg::connection side, std::string conninfo, std::string schema,
                            std::string table, std::vector<column_spec> columns,
                            std::vector<std::string> key);
    ~postgres_upsert_overlap();

  private:
    pg::connection side_;
    std::unique_ptr<postgres_staging_table> staging_;
    std::string conninfo_;
    std::string schema_;
    std::string table_;
    std::vector<column_spec> columns_;
    std::vector<std::string> key_;
};

// The bytes of a batch: at least `floor` (0: 8 MiB), and 1/8 of `before` (the bytes of the
// batches before it).
std::size_t upsert_batch_bytes(std::uint64_t before, std::size_t floor);

}  // namespace uio::etl
