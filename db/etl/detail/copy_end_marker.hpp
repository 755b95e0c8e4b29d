// copy_end_marker: PostgreSQL's COPY FROM STDIN stops reading at a line holding only `\.`
// (its end-of-data marker) and commits what came before, so a data file with such a line
// past the sample would lose every record after it without a word (tested: 120,000 rows
// loaded of 120,001, exit 0). Files go to COPY unparsed, so the stream is watched for that
// line instead: a memchr for backslashes per chunk, free for a clean file. The guard refuses
// the load at the line, which a CSV file quotes ("\.") and a .tsv file escapes (\\.) to mean
// the text.
// (A quoted CSV field holding such a line is refused too: whether the server would stop
// there is not worth betting a load on.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uio::etl {

class copy_end_marker_guard {
  public:
    // Throws data_error `source:LINE: ...` when `chunk`, the stream's next bytes, completes
    // a line `\.` (LF or CRLF).
    void feed(std::string_view chunk, const std::string& source);
    // The end of the stream: a last line `\.` without a line end counts too.
    void finish(const std::string& source);

  private:
    std::string tail_ = "\n";  // the last bytes seen (a line end before the first line)
    std::uint64_t lines_ = 0;  // line ends before tail_
};

}  // namespace uio::etl
