// column_types: what a column holds, as far as moving rows needs to know — an integer, a
// floating-point number or text — inferred from a sample of a data file, read from a
// table's declared types, or given by the user (`--schema 'id integer, zip text'`).
//
// Inference is conservative so that a round trip gives back the same text: INTEGER only for
// canonical integers that fit 64 bits (so ZIP code "02134" stays TEXT), REAL only for
// numbers whose shortest double form is their text ("1.5", not "1.50" or 0.1 with 30 digits).
//
// An inferred kind is a guess from a sample, so it may not refuse a later value: a value
// that does not fit widens its column instead (integer → real → text; see the README's
// "ucopy: copying tables"). Kinds the user gave (--schema) or a table declared stay strict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uio::etl {

// `mixed`: values of several kinds in one column, each kept as what it is — in SQLite a
// column with no declared type (BLOB affinity, which converts nothing), in PostgreSQL text.
enum class value_kind { integer, real, text, mixed };

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

// What `text` is on its own: integer if canonical, real if canonical, else text.
value_kind natural_kind(std::string_view text) noexcept;
// Whether a value of kind `value` keeps a column inferred as `column` as it is: an integer
// fits a real column, only text fits text, anything fits mixed.
bool fits_kind(value_kind column, value_kind value) noexcept;

// Narrows one column's kind as sample values arrive; NULLs tell nothing.
class kind_inference {
  public:
    void observe(std::optional<std::string_view> value) noexcept;
    value_kind kind() const noexcept;

  private:
    bool seen_ = false;
    bool integer_ = true;
    bool real_ = true;
};

// "id integer, name text, \"odd, name\" text" → columns. Types are kept as written; the
// kind follows SQLite's affinity rules. Throws uio::usage_error.
std::vector<column_spec> parse_schema(std::string_view text);

// SQLite's affinity for a declared type ("INT" → integer, "REAL"/"FLOA"/"DOUB" → real).
value_kind kind_from_sqlite_type(std::string_view declared) noexcept;
// PostgreSQL type names (format_type output) → kind; numeric and others stay text.
value_kind kind_from_pg_type(std::string_view declared) noexcept;
const char* sqlite_type(value_kind k) noexcept;  // INTEGER, REAL, TEXT, "" (mixed)
const char* pg_type(value_kind k) noexcept;      // bigint, double precision, text, text
const char* kind_name(value_kind k) noexcept;    // integer, real, text, mixed

}  // namespace uio::etl
