// column_types: what a column holds, as far as moving rows needs to know — an integer, a
// floating-point number, an exact decimal, a boolean, a date, a timestamp (with or without
// time zone) or text — inferred from a sample of a data file, read from a table's declared
// types, or given by the user (`--schema 'id integer, zip text'`).
//
// Inference is conservative so that a round trip gives back the same text: a kind only when
// every sampled value is written the way the database prints that type back. INTEGER only
// for canonical integers that fit 64 bits (so ZIP code "02134" stays TEXT), REAL only for
// numbers both databases print back as written ("1.5", not 0.1 with 30 digits, not 2^53+1:
// integers and decimals together are an exact decimal, never a float), and the
// richer kinds only in PostgreSQL's own output forms (`t`/`f`, "1.50", "2024-03-10",
// "2024-03-10 01:30:00.5", "... +00" in UTC): see postgres_text_form. SQLite has none of
// those types, so it stores them as TEXT, as written. The rules are a table in the README
// ("ucopy: copying tables").
//
// An inferred kind is a guess from a sample, so it may not refuse a later value: every later
// value is checked by the same rules (value_fits), on our side, and one that does not fit
// widens its column instead (see postgres_widening.hpp, row_batch.hpp).
// Kinds the user gave (--schema) or a table declared stay strict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uio::etl {

// `mixed`: values of several kinds in one column, each kept as what it is — in SQLite a
// column with no declared type (BLOB affinity, which converts nothing), in PostgreSQL text.
// The last five are only inferred (never read from a declared type), for PostgreSQL.
enum class value_kind {
    integer,
    real,
    text,
    mixed,
    decimal,
    boolean,
    date,
    timestamp,
    timestamptz
};

struct column_spec {
    std::string name;
    value_kind kind = value_kind::text;
    std::string declared;   // the type as written in DDL ("bigint", "timestamptz")
    bool inferred = false;  // `kind` is ucopy's guess from a sample: it may widen
};

// The integer in `text` if it is written canonically (no '+', no leading zeros) and fits.
std::optional<std::int64_t> parse_canonical_integer(std::string_view text) noexcept;
// The finite double in `text` if its shortest round-trip form is `text` itself.
std::optional<double> parse_canonical_real(std::string_view text) noexcept;
// Any decimal number text ("1.50", "1e3", " 2" is not): for loading into REAL columns.
std::optional<double> parse_real(std::string_view text) noexcept;
// Any integer text, "+7" and "007" included: for loading into declared INTEGER columns.
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept;

// Shortest text that reads back as the same double.
std::string format_real(double v);
// How PostgreSQL prints `v` (double precision): the same shortest digits, in fixed notation
// for decimal exponents in [-4, 15) and as 1.5e+20 otherwise ("100000", "0.0001", "1e+15").
std::string postgres_real_text(double v);
// Whether `text` is a finite double that both databases print back as `text`: std::to_chars
// (SQLite's REAL, as ucopy exports it) and PostgreSQL. "1.5", "3" and "1e+15" are; "1e+05"
// (PostgreSQL prints 100000), "100000" (SQLite's REAL prints 1e+05), "0.0001" and
// 9007199254740993 (no double) are not.
bool real_text_form(std::string_view text) noexcept;

// What `text` is on its own: integer if canonical, real if canonical, else text.
value_kind natural_kind(std::string_view text) noexcept;

// How a value of a PostgreSQL-only kind is written, in the format it is read from and
// written back to: CSV takes COPY's text output, JSON Lines row_to_json's (ISO 8601 with a
// `T`, and `+00:00`). Both assume the session time zone is UTC (use_export_settings).
enum class text_form { copy, json };
// Whether `text` is exactly what PostgreSQL prints for a value of `kind` (decimal, boolean,
// date, timestamp or timestamptz), so that loading and exporting it gives back `text`:
//   decimal      -?(0|[1-9][0-9]*)(.[0-9]+)?, not negative zero   ("1.50", "-0.5", "12")
//   boolean      t or f (copy only: JSON has booleans of its own)
//   date         YYYY-MM-DD, a real day of years 0001-9999
//   timestamp    date HH:MM:SS[.ffffff] (no trailing zero in the fraction); json: `T`
//   timestamptz  timestamp+00; json: timestamp+00:00
bool postgres_text_form(value_kind kind, std::string_view text, text_form form) noexcept;
// Whether a value of kind `value` keeps a column inferred as `column` as it is: an integer
// fits a real column, only text fits text, anything fits mixed.
bool fits_kind(value_kind column, value_kind value) noexcept;

// The one check every value of an inferred column passes, in the sample and on every later
// row, on every path: whether `text` comes back as `text` from a column of kind `column`
// (CSV forms): integer: canonical 64-bit integers; real: real_text_form (an integer only
// when a double prints it back the same); decimal ... timestamptz: postgres_text_form; text
// and mixed: anything. Not the databases' own input functions, which take "007", "yes" or a
// time in a date and print them back otherwise.
bool value_fits(value_kind column, std::string_view text) noexcept;
// value_fits for a value whose natural_kind (or push_natural's answer) is `natural`, without
// parsing it again: the SQLite loads' check of every value.
bool natural_fits(value_kind column, value_kind natural, std::string_view text) noexcept;
// The kind a column of kind `column` widens to when `text` does not fit it: integer →
// decimal when `text` is a plain decimal (never a float: it would round the integers read
// before), everything else → text. Each widening keeps every value already loaded printing
// back as it was (README, "ucopy: copying tables").
value_kind widened_kind(value_kind column, std::string_view text) noexcept;

// Narrows one column's kind as sample values arrive; NULLs tell nothing. Of the kinds every
// value fits, the first of integer, real, decimal, boolean, date, timestamp, timestamptz;
// else text. (So "1.5" and "2.25" stay real, as before; "1.5" and "2.50" are decimal.)
class kind_inference {
  public:
    void observe(std::optional<std::string_view> value) noexcept;
    value_kind kind() const noexcept;

  private:
    static constexpr int candidates = 7;
    bool seen_ = false;
    bool possible_[candidates] = {true, true, true, true, true, true, true};
};

// How SQLite stores a column of inferred kind `k`: the PostgreSQL-only kinds as text.
value_kind sqlite_storage(value_kind k) noexcept;

// "id integer, name text, \"odd, name\" text" → columns. Types are kept as written; the
// kind follows SQLite's affinity rules. Throws uio::usage_error.
std::vector<column_spec> parse_schema(std::string_view text);

// SQLite's affinity for a declared type ("INT" → integer, "REAL"/"FLOA"/"DOUB" → real).
value_kind kind_from_sqlite_type(std::string_view declared) noexcept;
// PostgreSQL type names (format_type output) → kind; numeric and others stay text.
value_kind kind_from_pg_type(std::string_view declared) noexcept;
// INTEGER, REAL, TEXT, "" (mixed), and TEXT for the PostgreSQL-only kinds.
const char* sqlite_type(value_kind k) noexcept;
// bigint, double precision, text, text, numeric, boolean, date, timestamp, timestamptz.
const char* pg_type(value_kind k) noexcept;
// integer, real, text, mixed, decimal, boolean, date, timestamp, timestamptz.
const char* kind_name(value_kind k) noexcept;

}  // namespace uio::etl
