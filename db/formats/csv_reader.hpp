// csv_reader: an incremental (push) RFC 4180 parser. Feed it chunks of bytes as they arrive —
// from io_uring reads, on a thread pool — and it returns the rows completed so far; a row may
// span any number of chunks, split at any byte. finish() ends the input.
//
//   formats::csv_reader reader({.source = "sales.csv"});
//   while (std::size_t n = co_await f.read_some(buffer, offset)) {
//       formats::csv_batch rows = co_await uio::offload([&] { return reader.feed(chunk(n)); });
//       ...
//   }
//   formats::csv_batch last = reader.finish();
//
// Accepts quoted fields, doubled quotes, newlines inside quotes, LF, CRLF or CR line ends, a
// UTF-8 BOM at the very start, and as PostgreSQL's COPY does (counted in warnings()) a quote
// inside an unquoted field and text after a closing quote: a quote anywhere opens or closes
// a quoted section (`5"6,7"8` is `56,78`). Rejects, with a parse_error at the exact line and
// column: an unterminated quoted field, with options.strict a quote inside an unquoted field
// and anything but a delimiter or line end after a closing quote, rows whose field count
// differs from the first row's
// (or the header's), invalid UTF-8, NUL bytes, and (options.header) an empty header field,
// which names no column, or one naming a column twice. An empty line is no record when records
// have more than one field (counted: blank_lines()); in a one-column file, a NULL.
//
// Threads: one reader is used by one thread at a time (it may move between feeds).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "uio/db/formats/csv_batch.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/formats/parse_error.hpp"

namespace uio::formats {

class csv_reader {
  public:
    explicit csv_reader(csv_options options = {});

    // Parses `chunk` and returns the rows it completed. Throws parse_error.
    csv_batch feed(std::string_view chunk);
    // End of input: the last row, even without a final line end. Throws parse_error.
    csv_batch finish();

    // The header's column names, once the first row has been read (options.header).
    const std::vector<std::string>& header() const noexcept { return header_; }
    // Fields per row, once known (0 before the first row).
    std::size_t width() const noexcept { return expected_; }
    std::uint64_t rows_read() const noexcept { return rows_read_; }
    // Empty lines skipped so far (see above).
    std::uint64_t blank_lines() const noexcept { return blank_lines_; }
    // Fields read leniently so far: a quote inside an unquoted field, text after a closing
    // quote (see csv_options::strict).
    std::uint64_t warnings() const noexcept { return warnings_; }
    std::uint64_t bytes_read() const noexcept { return consumed_; }
    const csv_options& options() const noexcept { return options_; }

  private:
    enum class state : unsigned char { field_start, unquoted, quoted, quoted_quote, after_cr };

    // Parses [begin, end), the next bytes of the stream; returns how many it consumed (fewer
    // than all only before an incomplete UTF-8 sequence at the end, or a partial BOM).
    std::size_t parse(const char* begin, const char* end);
    void end_field(bool quoted);
    void end_row(const char* at);
    void newline_after(const char* at) noexcept;
    void warn() noexcept {
        if (!warned_) ++warnings_;
        warned_ = true;
    }
    csv_batch take_complete_rows();

    std::uint64_t offset_of(const char* at) const noexcept {
        return base_ + static_cast<std::uint64_t>(at - buffer_);
    }
    std::uint64_t column_of(std::uint64_t offset, std::uint64_t continuations) const noexcept {
        return offset - line_start_ - (continuations - line_start_cont_) + 1;
    }
    [[noreturn]] void fail(const char* at, std::string reason) const;
    [[noreturn]] void fail_at(std::uint64_t line, std::uint64_t column, std::string reason,
                              std::string excerpt) const;

    csv_options options_;
    std::array<unsigned char, 256> unquoted_class_{};  // nonzero: stop the fast scan
    std::array<unsigned char, 256> quoted_class_{};

    // Parse state, carried across feeds.
    state state_ = state::field_start;
    csv_batch current_;  // complete rows so far, then the row in progress
    std::size_t row_first_field_ = 0;
    std::size_t row_data_start_ = 0;
    std::uint64_t row_line_ = 1;
    std::size_t field_offset_ = 0;  // where the field in progress starts in current_.data_
    std::uint64_t field_line_ = 0, field_column_ = 0;  // where it starts in the input
    std::uint64_t quote_line_ = 0, quote_column_ = 0;  // where the open quoted field began
    std::size_t expected_ = 0;
    bool header_pending_;
    std::vector<std::string> header_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> header_places_;  // line, column
    std::string carry_;  // an incomplete UTF-8 sequence from the end of the last chunk
    bool started_ = false;

    // Positions: stream offsets, line numbers, continuation-byte counts (for columns).
    const char* buffer_ = nullptr;  // the buffer parse() works on, for offsets and excerpts
    const char* buffer_end_ = nullptr;
    std::uint64_t base_ = 0;
    std::uint64_t consumed_ = 0;
    std::uint64_t line_ = 1;
    std::uint64_t line_start_ = 0;
    std::uint64_t continuations_ = 0;
    std::uint64_t line_start_cont_ = 0;
    std::uint64_t rows_read_ = 0;
    std::uint64_t blank_lines_ = 0;
    std::uint64_t warnings_ = 0;
    bool last_quoted_ = false;  // the last field ended was quoted
    bool saw_quote_ = false;    // the field in progress holds a quoted section
    bool warned_ = false;       // ... and was counted in warnings_
};

}  // namespace uio::formats
