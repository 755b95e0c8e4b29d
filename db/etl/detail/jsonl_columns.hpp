// jsonl_columns: the columns of a JSON Lines input — its keys in first-seen order, with kinds
// inferred from a sample of rows — and its rows as CSV text for PostgreSQL's COPY.
//
// Kinds follow the JSON types, not the look of the text: a string stays text even when it
// reads "02134"; numbers are inferred like CSV fields; booleans are integers 0/1 for SQLite.
// For PostgreSQL each column also gets a declared type that keeps the JSON type on the way
// back out (row_to_json): boolean, bigint, double precision, numeric, jsonb or text — and,
// as for CSV, date, timestamp or timestamptz for strings all in the form row_to_json prints
// ("2024-03-10", "2024-03-10T01:30:00.5", "2024-03-10T01:30:00+00:00": column_types.hpp). A
// column whose values have several JSON types keeps each as it is: mixed in SQLite (no
// declared type), jsonb in PostgreSQL (its strings sent as JSON).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/row_batch.hpp"
#include "uio/db/formats/jsonl.hpp"

namespace uio::etl {

// What one column's values have been, by JSON type (nulls tell nothing): the types a table
// gets from a sample, and past the sample whether a value still fits them.
class json_column_kinds {
  public:
    void observe(formats::json_field f);
    // SQLite: a column whose declared type keeps the JSON type on the way back out
    // (sqlite_cursor): INTEGER or REAL for numbers both print back as written, BOOLEAN
    // (0 and 1) for booleans, DECIMAL_TEXT (TEXT affinity, the number's text) for other
    // numbers ("1.50", 2^53+1 with 1.5), JSON for nested values, TEXT for strings, and no
    // declared type (mixed) for several JSON types.
    column_spec sqlite_column(std::string name) const;
    // PostgreSQL: boolean, bigint, double precision, numeric (plain decimals, also mixed
    // with integers), json (numbers numeric would print otherwise: 1e5), jsonb (nested values, or
    // several JSON types), date, timestamp, timestamptz (strings in those forms) or text
    // (other strings, or nothing seen).
    const char* pg_type() const noexcept;
    // Whether the column's values go to PostgreSQL as JSON (several types: jsonb).
    bool mixed_json() const noexcept { return pg() == pg_kind::mixed; }
    // Whether observing `f` would leave pg_type() as it is.
    bool fits_pg(formats::json_field f) const noexcept;
    // Observes a value standing for every value that fits pg_type() now (2^53+1 for bigint,
    // 1e+15 for double precision, 0.50 for numeric, any string for text), so that kinds
    // widened from here take every value loaded under the narrow ones, seen or not: the
    // load widens in place (postgres_widen_in_place.hpp) and reads none of them again.
    void cover_fitting() noexcept;

  private:
    enum class pg_kind {
        text,
        boolean,
        jsonb,
        numeric,
        json_number,
        bigint,
        float8,
        mixed,
        date,
        timestamp,
        timestamptz
    };
    pg_kind pg() const noexcept;
    // What strings give, when every one so far has the form `forms` marks (date, timestamp,
    // timestamptz).
    static pg_kind string_kind(const bool (&forms)[3]) noexcept;

    kind_inference numbers_;  // over the numbers' text
    bool any_ = false, strings_ = false, numbers_seen_ = false, booleans_ = false;
    bool nested_ = false;
    bool forms_[3] = {true, true, true};  // every string is a date, timestamp, timestamptz
};

// The declared types ucopy gives SQLite columns of one JSON type that SQLite has no type
// for, so that an export knows to write them back as that type (sqlite_cursor.cpp).
inline constexpr const char* sqlite_json_boolean = "BOOLEAN";      // 0 and 1
inline constexpr const char* sqlite_json_number = "DECIMAL_TEXT";  // the number's text
inline constexpr const char* sqlite_json_nested = "JSON";          // the object or array

// Whether JSON value `f` keeps SQLite column `c` (made by sqlite_column) as it is.
bool fits_sqlite_json(const column_spec& c, formats::json_field f) noexcept;

// Each of `keys`' kinds over every row of `sample`.
std::vector<json_column_kinds> observe_jsonl_columns(const std::vector<std::string>& keys,
                                                     const formats::jsonl_batch& sample);

// The reader's columns (so far) with kinds from every row of `sample`, marked inferred; with
// `for_postgres`, `declared` holds the PostgreSQL type for a created table.
std::vector<column_spec> infer_jsonl_columns(const std::vector<std::string>& keys,
                                             const formats::jsonl_batch& sample, bool for_postgres);
// One column as infer_jsonl_columns makes it from `kinds`.
column_spec jsonl_column(std::string name, const json_column_kinds& kinds, bool for_postgres);

// A batch as CSV records for COPY ... (FORMAT csv): the first `keys` columns in order; null
// is an unquoted empty field, every string is quoted (so "" stays an empty string), numbers
// and booleans as written, nested values as their JSON text. A row with a non-null key
// beyond `keys` (not in the sample) is not written; it comes back in `rejects`. Rows whose
// line is in `skip` (sorted; rows already rejected by the server) are left out silently.
//
// `guesses[i]`, when given (not null), is column i's sampled kinds, whose type the table was
// created with: a value that does not fit it comes back in `widened`, that column's kinds
// having observed it (and every other such value of the batch), so the load can start again
// with the wider type (the kinds also cover every value the narrow type took:
// cover_fitting). The batch's text is then not to be sent. A guessed column of mixed
// JSON types (jsonb) gets its strings as JSON string literals.
struct jsonl_csv_batch {
    std::string text;
    std::vector<std::uint64_t> lines;     // the JSON Lines line of each record written
    std::vector<std::uint32_t> newlines;  // per record: line ends inside its quoted fields
    std::vector<reject> rejects;
    std::uint64_t bytes = 0;  // input bytes this batch came from (set by jsonl_csv_batches)
    std::vector<std::pair<std::size_t, json_column_kinds>> widened;  // (column, kinds)
    // With `widened`: the parsed rows, to be converted again with the wider kinds.
    std::shared_ptr<const formats::jsonl_batch> source;
};
jsonl_csv_batch jsonl_to_csv(const formats::jsonl_batch& batch, std::size_t keys,
                             const std::vector<std::uint64_t>& skip,
                             const std::vector<const json_column_kinds*>& guesses = {});

}  // namespace uio::etl
