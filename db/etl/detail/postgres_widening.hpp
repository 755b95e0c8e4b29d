// postgres_widening: a load into a table ucopy creates, with column types it inferred from a
// sample, must not fail because a later value does not fit the guess. CSV goes to COPY
// unparsed, so the server is the one to find such a value; when it refuses a value of an
// inferred column (invalid input 22P02, out of range 22003, bad date/time 22007 and 22008),
// the load starts again in a new transaction with that column one step wider: bigint →
// numeric (when the value is a plain decimal) → text; double precision, numeric, boolean,
// date, timestamp and timestamptz → text. The failed attempt rolled back, so the load stays
// atomic.
//
// Why a restart and not a staging table (COPY into text columns, then INSERT ... SELECT with
// casts into the real table): staging writes every row twice on every load, clean or not,
// and the server's work is what a load costs; a restart costs nothing while the guess holds
// and one more pass per widening (at most two per column), which suits a sample that was
// right but for a few columns. JSON Lines are parsed on our side, so jsonl_to_postgres checks
// them there (json_column_kinds::fits_pg) and restarts before the server sees the value.
#pragma once

#include <vector>

#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/postgres_load_retry.hpp"

namespace uio::etl {

// Widens, in `source_columns`, the column `failure` names, if `created_with` (the failed
// load's columns, in a table it created) has it as inferred and it can be wider. Returns
// whether it did; if not, the failure is the data's, not the guess's.
bool widen_refused_column(std::vector<column_spec>& source_columns,
                          const std::vector<column_spec>& created_with,
                          const copy_failure& failure);

}  // namespace uio::etl
