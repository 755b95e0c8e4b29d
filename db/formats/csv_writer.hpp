// csv_writer: rows to CSV bytes that csv_reader (and PostgreSQL's COPY ... CSV) reads back
// to the same values. NULL is written as an unquoted empty field (or options.null_string);
// an empty string as "". A field is quoted when it must be: it contains the delimiter, the
// quote, CR or LF; it is empty; it equals the NULL string; it starts with a BOM at the start
// of the output; or it is exactly \. (PostgreSQL's end-of-data marker). With
// options.text_format, PostgreSQL's text format instead (.tsv): no quotes, NULL as \N,
// backslash, tab, CR and LF escaped as \\, \t, \r, \n (what tsv_reader reads back).
//
//   formats::csv_writer w({.source = "out.csv"});
//   std::string out;
//   w.write_header({"id", "name"}, out);
//   w.write_row({"1", std::nullopt}, out);   // 1,
//   w.write_row({"2", ""}, out);             // 2,""
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "uio/db/formats/csv_options.hpp"

namespace uio::formats {

using field = std::optional<std::string_view>;

class csv_writer {
  public:
    explicit csv_writer(csv_options options = {}) : options_(std::move(options)) {}

    // Appends one row (and its line end) to `out`.
    void write_row(std::span<const field> fields, std::string& out) const;
    void write_row(std::initializer_list<field> fields, std::string& out) const {
        write_row(std::span<const field>(fields.begin(), fields.size()), out);
    }
    void write_header(std::span<const std::string> names, std::string& out) const;
    void write_header(std::initializer_list<std::string_view> names, std::string& out) const;

    // Appends one field, quoted if it must be (no delimiter, no line end).
    void write_field(field value, std::string& out) const;

  private:
    bool needs_quotes(std::string_view value) const noexcept;
    void write_text_field(field value, std::string& out) const;
    void end_row(std::string& out) const { out += options_.crlf ? "\r\n" : "\n"; }

    csv_options options_;
};

}  // namespace uio::formats
