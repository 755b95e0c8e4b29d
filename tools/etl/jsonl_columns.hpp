// jsonl_columns: the columns of a JSON Lines input — its keys in first-seen order, with kinds
// inferred from a sample of rows — and its rows as CSV text for PostgreSQL's COPY.
//
// Kinds follow the JSON types, not the look of the text: a string stays text even when it
// reads "02134"; numbers are inferred like CSV fields; booleans are integers 0/1 for SQLite.
// For PostgreSQL each column also gets a declared type that keeps the JSON type on the way
// back out (row_to_json): boolean, bigint, double precision, numeric, jsonb or text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "column_types.hpp"
#include "row_batch.hpp"
#include "uio/db/formats/jsonl.hpp"

namespace uio::etl {

// The reader's columns (so far) with kinds from every row of `sample`; with
// `for_postgres`, `declared` holds the PostgreSQL type for a created table.
std::vector<column_spec> infer_jsonl_columns(const std::vector<std::string>& keys,
                                             const formats::jsonl_batch& sample, bool for_postgres);

// A batch as CSV records for COPY ... (FORMAT csv): the first `keys` columns in order; null
// is an unquoted empty field, every string is quoted (so "" stays an empty string), numbers
// and booleans as written, nested values as their JSON text. A row with a non-null key
// beyond `keys` (not in the sample) is not written; it comes back in `rejects`. Rows whose
// line is in `skip` (sorted; rows already rejected by the server) are left out silently.
struct jsonl_csv_batch {
    std::string text;
    std::vector<std::uint64_t> lines;     // the JSON Lines line of each record written
    std::vector<std::uint32_t> newlines;  // per record: line ends inside its quoted fields
    std::vector<reject> rejects;
    std::uint64_t bytes = 0;  // input bytes this batch came from
};
jsonl_csv_batch jsonl_to_csv(const formats::jsonl_batch& batch, std::size_t keys,
                             const std::vector<std::uint64_t>& skip);

}  // namespace uio::etl
