// tsv_reader: PostgreSQL's text format (COPY ... FORMAT text), which is what .tsv files
// mostly are — IMDb's datasets, `psql \copy` and `COPY TO` dumps: one record per line,
// fields split by a tab (csv_options::delimiter), no quoting (a `"` is an ordinary byte),
// `\N` for NULL (or csv_options::null_string), and backslash escapes: \t \n \r \\ \b \f \v,
// \NNN octal, \xHH hex, and a backslash before any other character stands for that
// character — exactly as COPY FROM reads them, so a file loads the same into SQLite (this
// reader) as into PostgreSQL (the server's). A push parser with csv_reader's interface,
// producing csv_batch, so the loaders take either.
//
// Errors (parse_error at line:column): a field count that differs from the first row's (the
// header's) unless allow_ragged, invalid UTF-8 (raw or escaped), NUL bytes (raw or \0), a
// backslash at the end of a line, an empty or repeated header name. LF or CRLF line ends;
// an empty line is no record in a file of more than one column (counted), a NULL in a
// one-column file... as csv_reader. A UTF-8 BOM is accepted at the start.
//
// Threads: one reader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "uio/db/formats/csv_batch.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/formats/line_splitter.hpp"
#include "uio/db/formats/parse_error.hpp"

namespace uio::formats {

class tsv_reader {
  public:
    explicit tsv_reader(csv_options options = {});

    csv_batch feed(std::string_view chunk);  // throws parse_error
    csv_batch finish();                      // the last line, even without a line end

    const std::vector<std::string>& header() const noexcept { return header_; }
    std::size_t width() const noexcept { return expected_; }
    std::uint64_t rows_read() const noexcept { return rows_read_; }
    std::uint64_t blank_lines() const noexcept { return blank_lines_; }
    std::uint64_t warnings() const noexcept { return 0; }  // nothing read leniently
    const csv_options& options() const noexcept { return options_; }

  private:
    void parse_line(std::string_view line, csv_batch& out);
    // Decodes one field's escapes onto out.data_; false when it is NULL.
    bool decode(std::string_view field, std::string_view line, std::size_t at, csv_batch& out);
    [[noreturn]] void fail(std::string_view line, std::size_t at, std::string reason) const;

    csv_options options_;
    line_splitter lines_;
    std::uint64_t line_ = 0;
    std::uint64_t rows_read_ = 0;
    std::uint64_t blank_lines_ = 0;
    std::size_t expected_ = 0;
    bool header_pending_;
    bool started_ = false;
    std::vector<std::string> header_;
};

}  // namespace uio::formats
