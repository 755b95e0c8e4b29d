#include "uio/db/etl/detail/copy_end_marker.hpp"

#include <algorithm>
#include <cstring>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

namespace {

[[noreturn]] void refuse(const std::string& source, std::uint64_t line) {
    throw data_error(source + ":" + std::to_string(line) +
                     ": a line \\. is PostgreSQL's end-of-data marker: COPY would stop here "
                     "and drop the rest (write \"\\.\" in CSV, \\\\. in a .tsv)");
}

// The offset just past the first "\n\\.\n" or "\n\\.\r\n" in `text`, if any. memchr for
// the backslash, rare in a data file, rather than memmem for the three bytes: memmem took
// ~45 ms of the loop thread per 91 MB file (perf, scripts/bench-etl's CSV), memchr ~nothing.
std::optional<std::size_t> find_marker(std::string_view text) {
    std::size_t from = 1;  // a backslash at 0 has no line end before it here
    while (from < text.size()) {
        const void* hit = std::memchr(text.data() + from, '\\', text.size() - from);
        if (!hit) return std::nullopt;
        const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
        std::string_view after = text.substr(at + 1);
        if (text[at - 1] == '\n' && (after.starts_with(".\n") || after.starts_with(".\r\n"))) {
            return at;
        }
        from = at + 1;
    }
    return std::nullopt;
}

}  // namespace

void copy_end_marker_guard::feed(std::string_view chunk, const std::string& source) {
    if (chunk.empty()) return;
    // The few bytes before the chunk, so a marker cut between two chunks is seen.
    std::string joined = tail_;
    joined.append(chunk.substr(0, std::min<std::size_t>(chunk.size(), 4)));
    if (auto at = find_marker(joined)) {
        const auto before = std::count(joined.begin(), joined.begin() + *at, '\n');
        refuse(source,
               lines_ - static_cast<std::uint64_t>(std::count(tail_.begin(), tail_.end(), '\n')) +
                   static_cast<std::uint64_t>(before) + 1);
    }
    if (auto at = find_marker(chunk)) {
        const auto before = std::count(chunk.begin(), chunk.begin() + *at, '\n');
        refuse(source, lines_ + static_cast<std::uint64_t>(before) + 1);
    }
    lines_ += static_cast<std::uint64_t>(std::count(chunk.begin(), chunk.end(), '\n'));
    std::string_view last = chunk.substr(chunk.size() - std::min<std::size_t>(chunk.size(), 4));
    tail_ = std::string(tail_ + std::string(last))
                .substr(std::max<std::size_t>(tail_.size() + last.size(), 4) - 4);
}

void copy_end_marker_guard::finish(const std::string& source) {
    if (tail_.ends_with("\n\\.")) refuse(source, lines_ + 1);
}

}  // namespace uio::etl
