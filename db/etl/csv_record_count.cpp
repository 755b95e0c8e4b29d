#include "uio/db/etl/detail/csv_record_count.hpp"

#include <algorithm>

namespace uio::etl {

std::uint64_t csv_record_count::feed(std::string_view text) noexcept {
    if (!in_quotes_ && text.find(quote_) == std::string_view::npos) {
        return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
    }
    std::uint64_t records = 0;
    for (char c : text) {
        if (c == quote_) {
            in_quotes_ = !in_quotes_;
        } else if (c == '\n' && !in_quotes_) {
            ++records;
        }
    }
    return records;
}

}  // namespace uio::etl
