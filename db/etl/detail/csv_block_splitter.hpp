// csv_block_splitter: cuts a CSV byte stream into blocks of whole records, for a load spread
// over several COPY streams (parallel_load.hpp). A record ends at a line end outside quotes,
// as COPY's CSV parser splits them, so a quoted field's newlines never split a record: it
// tracks quotes and line ends only (a doubled quote toggles twice), in constant memory
// beyond one block.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace uio::etl {

class csv_block_splitter {
  public:
    // Blocks are cut once at least `block_size` bytes of whole records are waiting; the first
    // record always comes out alone, as the first block (the header, or the line whose end
    // tells the line ending).
    csv_block_splitter(char quote, std::size_t block_size) noexcept
        : quote_(quote), block_size_(block_size) {}

    // Appends `chunk`, and to `out` the blocks it completed.
    void feed(std::string_view chunk, std::vector<std::string>& out);
    // Ends the input: appends what is left (the last records, perhaps without a line end, or
    // an unterminated quoted field) as a last block, unless it is empty.
    void finish(std::vector<std::string>& out);

  private:
    void cut(std::vector<std::string>& out);

    char quote_;
    std::size_t block_size_;
    std::string pending_;
    std::size_t scanned_ = 0;   // bytes of pending_ already scanned
    std::size_t last_end_ = 0;  // just past the last record end in pending_
    bool in_quotes_ = false;
    bool first_cut_ = false;
};

}  // namespace uio::etl
