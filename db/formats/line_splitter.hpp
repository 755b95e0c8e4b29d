// line_splitter: cuts a stream fed in chunks into whole lines for the line-based readers
// (JSON Lines, PostgreSQL's text format). A line that spans chunks is gathered in `pending`;
// one inside a chunk is handed on without a copy.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

namespace uio::formats {

class line_splitter {
  public:
    // Calls on_line(std::string_view) for each line `chunk` completes (without its "\n").
    template <typename OnLine>
    void feed(std::string_view chunk, OnLine&& on_line) {
        while (!chunk.empty()) {
            const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
            if (!nl) {
                pending_.append(chunk);
                return;
            }
            std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data());
            if (pending_.empty()) {
                on_line(chunk.substr(0, n));
            } else {
                pending_.append(chunk.substr(0, n));
                std::string line = std::move(pending_);
                pending_.clear();
                on_line(std::string_view(line));
            }
            chunk.remove_prefix(n + 1);
        }
    }

    // The end of the input: a last line without "\n" is handed on.
    template <typename OnLine>
    void finish(OnLine&& on_line) {
        if (pending_.empty()) return;
        std::string line = std::move(pending_);
        pending_.clear();
        on_line(std::string_view(line));
    }

  private:
    std::string pending_;
};

}  // namespace uio::formats
