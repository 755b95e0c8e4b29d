// row_batch: rows converted for SQLite, made on the thread pool from a parsed batch (CSV,
// JSON Lines, COPY output) and handed to the SQLite worker in one hop. Bad rows do not go
// in: they come back as rejects, with the input line and the reason, for --max-errors.
//
// A column whose kind was inferred (column_spec::inferred) never rejects a value: each goes
// in as what it is — a canonical integer as INTEGER, a canonical real as REAL, a JSON
// boolean as 0/1, anything else (and all of a CSV text column) as TEXT — and one that does
// not fit the inferred kind marks the column in `widens`. The load then drops that column's
// declared type before inserting the batch (sqlite_table_load), so SQLite's affinity
// converts nothing. As each value's storage does not depend on whether its column has
// widened yet, batches converted ahead of a widening stay right after it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/formats/csv_batch.hpp"
#include "uio/db/formats/jsonl.hpp"
#include "uio/db/sqlite/packed_rows.hpp"

namespace uio::etl {

struct reject {
    std::uint64_t line = 0;
    std::string reason;
    std::string row;           // the row as CSV, so it can be fixed and loaded again
    std::uint64_t column = 0;  // where on the line, when known (a parse error)
};

struct row_batch {
    sqlite::packed_rows cells;         // row-major, one cell per column
    std::vector<std::uint64_t> lines;  // the input line of each row
    std::vector<reject> rejects;
    std::uint64_t bytes = 0;  // input bytes this batch came from
    // Per column: a value did not fit the inferred kind. Empty when every value fitted.
    std::vector<bool> widens;
    std::size_t rows() const noexcept { return lines.size(); }
};

// Appends one value for a column of `kind` to `out`: NULL stays NULL; INTEGER and REAL
// columns take only text that parses as such. Returns the reason when it does not fit (and
// appends nothing).
std::optional<std::string> convert_value(std::optional<std::string_view> text, value_kind kind,
                                         sqlite::packed_rows& out);

// Appends `text` as what it is — a canonical integer as INTEGER, a canonical real as REAL,
// anything else as TEXT — and returns which of those it was.
value_kind push_natural(std::string_view text, sqlite::packed_rows& out);

// Converts a CSV batch. `order[i]` is the input column feeding output column i.
row_batch convert_csv(const formats::csv_batch& batch, std::size_t input_width,
                      const std::vector<std::size_t>& order,
                      const std::vector<column_spec>& columns);

// Converts a JSON Lines batch; `order[i]` is the reader's column index for output column i.
// A row with a key outside `known_keys` is rejected.
row_batch convert_jsonl(const formats::jsonl_batch& batch, std::size_t known_keys,
                        const std::vector<std::size_t>& order,
                        const std::vector<column_spec>& columns);

}  // namespace uio::etl
