// record_locator: a two-state scan (inside or outside quotes); a doubled quote inside a
// quoted field toggles twice, which leaves the state right.
#include "record_locator.hpp"

namespace uio::etl {

bool record_locator::feed(std::string_view chunk) noexcept {
    for (char c : chunk) {
        if (found_) return true;
        if (c == quote_) {
            in_quotes_ = !in_quotes_;
        } else if (c == '\n') {
            if (line_ >= wanted_) {
                found_ = record_start_;
                return true;
            }
            ++line_;
            if (!in_quotes_) record_start_ = line_;
        }
    }
    return found_.has_value();
}

void record_locator::finish() noexcept {
    if (!found_ && line_ >= wanted_) found_ = record_start_;
}

}  // namespace uio::etl
