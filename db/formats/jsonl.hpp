// JSON Lines: one JSON object per line; keys are columns (in first-seen order), values are
// fields. Hand-written rather than nlohmann-json: rows are flat, so a single pass that
// unescapes strings straight into the batch and keeps numbers as their literal text (no
// precision lost through double) is simpler, faster, and adds no dependency to uio::core
// users. Nested objects and arrays are kept as their raw JSON text.
//
//   formats::jsonl_reader reader("events.jsonl");
//   formats::jsonl_batch rows = reader.feed(chunk);   // push parser, like csv_reader
//   rows[0].get(reader.column_index("user"))          // json_field{kind, text}
//
// Errors are parse_error at line:column: invalid JSON, a line that is not an object, a
// duplicate key, an empty key (it names no column), invalid UTF-8, an unpaired surrogate escape.
// With skip_bad_lines (--max-errors), a bad line is left out instead, as if it were not
// there (its keys are not columns), and comes back in the batch's bad_lines: one line is one
// record, so the next line starts clean. Blank lines are skipped (and counted); a BOM is
// accepted at the start.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "uio/db/formats/json_string.hpp"
#include "uio/db/formats/line_splitter.hpp"
#include "uio/db/formats/parse_error.hpp"
#include "uio/db/formats/row_storage.hpp"

namespace uio::formats {

enum class json_kind : unsigned char { null_value, string, number, boolean, raw };

// One value: for a string its unescaped text, for a number its literal ("1.50"), for a
// boolean "true"/"false", for raw the nested JSON text; empty for null.
struct json_field {
    json_kind kind = json_kind::null_value;
    std::string_view text{};
    bool is_null() const noexcept { return kind == json_kind::null_value; }
    friend bool operator==(const json_field&, const json_field&) = default;
};

namespace detail {
struct json_stored_field {
    json_kind kind;
    std::size_t offset;
    std::size_t size;
};
}  // namespace detail

// A line left out under skip_bad_lines: where, why, and its text (cut to 200 bytes,
// printable).
struct jsonl_bad_line {
    std::uint64_t line;
    std::uint64_t column;
    std::string reason;
    std::string text;
};

class jsonl_batch : public detail::row_storage<detail::json_stored_field> {
  public:
    std::vector<jsonl_bad_line> bad_lines;
    void append(jsonl_batch&& other) {
        for (auto& b : other.bad_lines) bad_lines.push_back(std::move(b));
        other.bad_lines.clear();
        row_storage::append(std::move(other));
    }
    class row {
      public:
        row(const jsonl_batch* b, std::size_t i) noexcept : b_(b), i_(i) {}
        // Columns beyond size() (keys first seen in later rows) read as null.
        std::size_t size() const noexcept { return b_->rows_[i_].count; }
        json_field operator[](std::size_t column) const noexcept;
        std::uint64_t line() const noexcept { return b_->rows_[i_].line; }

      private:
        const jsonl_batch* b_;
        std::size_t i_;
    };
    std::size_t size() const noexcept { return rows_.size(); }
    bool empty() const noexcept { return rows_.empty(); }
    row operator[](std::size_t i) const noexcept { return row(this, i); }

  private:
    friend class jsonl_reader;
    using stored = detail::json_stored_field;
};

class jsonl_reader {
  public:
    explicit jsonl_reader(std::string source = "<input>", bool skip_bad_lines = false)
        : source_(std::move(source)), skip_bad_lines_(skip_bad_lines) {}

    jsonl_batch feed(std::string_view chunk);  // throws parse_error
    jsonl_batch finish();                      // the last line, even without a line end

    const std::vector<std::string>& columns() const noexcept { return columns_; }
    // The column of `key`, or nullopt if no row had it so far.
    std::optional<std::size_t> column_index(std::string_view key) const;
    std::uint64_t rows_read() const noexcept { return rows_read_; }
    // Lines holding nothing but white space, skipped so far.
    std::uint64_t blank_lines() const noexcept { return blank_lines_; }

  private:
    class line_parser;
    void parse_line(std::string_view line, jsonl_batch& out);

    std::string source_;
    bool skip_bad_lines_ = false;
    std::uint64_t blank_lines_ = 0;
    line_splitter lines_;
    std::uint64_t line_ = 0;
    std::uint64_t rows_read_ = 0;
    bool started_ = false;
    std::vector<std::string> columns_;
    std::unordered_map<std::string, std::size_t> column_of_;
    std::vector<std::size_t> seen_;  // per column: the row number that last set it (duplicates)
};

class jsonl_writer {
  public:
    explicit jsonl_writer(std::vector<std::string> columns) : columns_(std::move(columns)) {}
    // Appends {"col": value, ...}\n; fields beyond `fields.size()` are written as null.
    void write_row(std::span<const json_field> fields, std::string& out) const;

  private:
    std::vector<std::string> columns_;
};

}  // namespace uio::formats
