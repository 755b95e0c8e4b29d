// csv_record_filter: a CSV byte stream with some records left out, found by the line on
// which they start — what a retried load into PostgreSQL sends after the server rejected
// those records (postgres_load_retry.hpp). The same scan maps the server's "line N" of the
// filtered stream (the physical line on which the failing record ends) back to the line of
// the file where that record starts. It only tracks quotes and line ends, as COPY's CSV
// parser does to split records: constant memory, no field parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uio::etl {

class csv_record_filter {
  public:
    // `skip`: sorted start lines of records to leave out (must outlive the filter).
    // `wanted`: a line of the filtered stream to locate (0: none). `skip_blank`: leave out
    // empty lines ("\n", or "\r\n" within one chunk) too, as csv_reader skips them in a file
    // of more than one column.
    csv_record_filter(char quote, const std::vector<std::uint64_t>& skip, std::uint64_t wanted = 0,
                      bool skip_blank = false) noexcept
        : quote_(quote), skip_(skip), wanted_(wanted), skip_blank_(skip_blank) {
        start_record();
    }
    // A temporary skip list would dangle (the filter keeps a reference): refused at compile time.
    csv_record_filter(char quote, std::vector<std::uint64_t>&& skip, std::uint64_t wanted = 0,
                      bool skip_blank = false) = delete;

    // Appends the kept bytes of `chunk` to `*out` (if given).
    void feed(std::string_view chunk, std::string* out);
    // Ends the input (a last record without a line end ends here).
    void finish();

    // Where the record holding the wanted line starts, once its end has been seen.
    std::optional<std::uint64_t> record_start() const noexcept { return found_; }
    // True when the input ended inside a quoted field.
    bool unterminated() const noexcept { return in_quotes_; }
    // Empty lines left out (skip_blank).
    std::uint64_t blank_lines() const noexcept { return blank_lines_; }

  private:
    void start_record() noexcept;

    char quote_;
    const std::vector<std::uint64_t>& skip_;
    std::uint64_t wanted_;
    std::uint64_t line_ = 1;      // physical line of the input
    std::uint64_t out_line_ = 1;  // physical line of the filtered stream
    std::uint64_t record_start_ = 1;
    bool kept_ = true;
    bool in_quotes_ = false;
    bool eol_seen_ = false;  // a line end outside quotes has reached the server
    bool skip_blank_ = false;
    bool empty_ = true;     // the record so far holds nothing but '\r'
    bool started_ = false;  // the record so far holds bytes
    std::uint64_t blank_lines_ = 0;
    std::optional<std::uint64_t> found_;
};

}  // namespace uio::etl
