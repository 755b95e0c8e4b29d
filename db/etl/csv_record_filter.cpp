#include "uio/db/etl/detail/csv_record_filter.hpp"

#include <algorithm>

namespace uio::etl {

void csv_record_filter::start_record() noexcept {
    record_start_ = line_;
    kept_ = skip_.empty() || !std::binary_search(skip_.begin(), skip_.end(), line_);
}

void csv_record_filter::feed(std::string_view chunk, std::string* out) {
    std::size_t run = kept_ ? 0 : std::string_view::npos;  // where the kept bytes began
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        char c = chunk[i];
        if (c == quote_) {
            in_quotes_ = !in_quotes_;  // a doubled quote toggles twice
            continue;
        }
        if (c != '\n') continue;
        if (!in_quotes_ && kept_ && wanted_ != 0 && !found_ && out_line_ >= wanted_) {
            found_ = record_start_;
        }
        ++line_;
        // PostgreSQL counts a newline inside quotes only once it has seen a line end (it
        // learns the file's line ending from the first one), so neither do we.
        if (kept_ && (!in_quotes_ || eol_seen_)) ++out_line_;
        if (in_quotes_) continue;
        if (kept_) eol_seen_ = true;
        bool was_kept = kept_;
        start_record();
        if (was_kept && !kept_) {
            if (out) out->append(chunk.substr(run, i + 1 - run));
            run = std::string_view::npos;
        } else if (!was_kept && kept_) {
            run = i + 1;
        }
    }
    if (out && run != std::string_view::npos) out->append(chunk.substr(run));
}

void csv_record_filter::finish() {
    if (kept_ && wanted_ != 0 && !found_ && out_line_ >= wanted_) found_ = record_start_;
}

}  // namespace uio::etl
