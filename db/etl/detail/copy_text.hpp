// copy_text: undoing COPY's text format for one-column output, as PostgreSQL → JSON Lines
// receives it. The server writes each row's JSON (row_to_json) on one line, escaping
// backslashes and control characters (`\\`, `\n`, `\t`...). Inside valid JSON a raw control
// character can only be whitespace between tokens (in strings it is always escaped as JSON
// itself), so `\n`, `\r`, `\t` and friends become a space: each row stays one line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace uio::etl {

class copy_text_unescaper {
  public:
    // Appends the unescaped text of `chunk` to `out`; an escape split between chunks is
    // completed by the next call. Returns the rows (line ends) seen.
    std::uint64_t feed(std::string_view chunk, std::string& out);

  private:
    bool escape_ = false;  // the previous chunk ended with a backslash
};

}  // namespace uio::etl
