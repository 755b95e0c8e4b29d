// record_locator: the line on which the CSV record holding a given line starts.
//
// PostgreSQL's COPY reports an error as "line N" of its input, where N is the physical line
// on which the failing record *ends* (quoted newlines count). For a record spanning lines
// 4-6 a user wants to be sent to line 4. ucopy streams files to COPY without parsing them, so
// on an error it rescans the file with this locator: constant memory, no cost unless a load
// fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace uio::etl {

class record_locator {
  public:
    // Lines count from 1; `quote` is the CSV quote character.
    explicit record_locator(std::uint64_t line, char quote = '"') noexcept
        : wanted_(line), quote_(quote) {}

    // Feeds the next chunk; true once the answer is known.
    bool feed(std::string_view chunk) noexcept;
    // Ends the input: a last record without a final newline ends here.
    void finish() noexcept;

    // The line on which the record holding the wanted line starts, once known.
    std::optional<std::uint64_t> record_start() const noexcept { return found_; }

  private:
    std::uint64_t wanted_;
    char quote_;
    std::uint64_t line_ = 1;          // the physical line being scanned
    std::uint64_t record_start_ = 1;  // where the current record began
    bool in_quotes_ = false;
    std::optional<std::uint64_t> found_;
};

}  // namespace uio::etl
