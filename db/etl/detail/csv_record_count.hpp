// csv_record_count: how many CSV records went by, for the progress line of the loads that
// send a file to PostgreSQL unparsed (COPY FROM STDIN takes the bytes as they are). A
// record ends at a line end outside quotes, as COPY splits them (csv_block_splitter.hpp's
// rule: a doubled quote toggles twice): memchr from quote to quote, std::count of the line
// ends between them outside quotes. The count is the progress line's; the statistics take
// COPY's own at the end, and with nobody to read it (copy_context::counts_rows) it is skipped.
#pragma once

#include <cstdint>
#include <string_view>

namespace uio::etl {

class csv_record_count {
  public:
    explicit csv_record_count(char quote) noexcept : quote_(quote) {}

    // The records that `text`, the next piece of the stream, ends.
    std::uint64_t feed(std::string_view text) noexcept;

  private:
    char quote_;
    bool in_quotes_ = false;
};

}  // namespace uio::etl
