// postgres_widening: a load into a table ucopy creates, with column types it inferred from a
// sample, must not fail, nor change a value, because a later value does not fit the guess.
// Every value is checked on our side first (CSV: csv_value_check.hpp, JSON Lines:
// json_column_kinds::fits_pg), by the sample's strict rules, since the server's input
// functions take values they print back otherwise (007 into bigint); a misfit widens the
// column where the load is (postgres_widen_in_place.hpp: ALTER TABLE between two COPYs, no
// restart). What is here is the backstop: when the server still refuses a value of an
// inferred column (invalid input 22P02, out of range 22003, bad date/time 22007 and 22008),
// the load starts again in a new transaction with that column one step wider: bigint →
// numeric (when the value is a plain decimal) → text; double precision, numeric, boolean,
// date, timestamp and timestamptz → text. The failed attempt rolled back, so the load stays
// atomic; --stats=json counts it as a restart.
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
