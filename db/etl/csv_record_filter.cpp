#include "uio/db/etl/detail/csv_record_filter.hpp"

#include <algorithm>

namespace uio::etl {

void csv_record_filter::start_record() noexcept {
    record_start_ = line_;
    kept_ = skip_.empty() || !std::binary_search(skip_.begin(), skip_.end(), line_);
    empty_ = true;
}

void csv_record_filter::feed(std::string_view chunk, std::string* out) {
    std::size_t run = kept_ ? 0 : std::string_view::npos;  // where the kept bytes began
    // Where the record in progress began in this chunk; npos when it began in an earlier
    // chunk with bytes (a "\r" there was already sent: that blank line stays).
    std::size_t record_begin = empty_ && !started_ ? 0 : std::string_view::npos;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        char c = chunk[i];
        started_ = true;
        if (c == quote_) {
            in_quotes_ = !in_quotes_;  // a doubled quote toggles twice
            empty_ = false;
            continue;
        }
        if (c != '\n') {
            if (c != '\r') empty_ = false;
            continue;
        }
        if (!in_quotes_ && skip_blank_ && empty_ && kept_ &&
            record_begin != std::string_view::npos) {
            // An empty line: no record. Its bytes are left out, and it counts in neither
            // stream's lines, as if it were not there.
            ++blank_lines_;
            if (out && record_begin > run) out->append(chunk.substr(run, record_begin - run));
            ++line_;
            start_record();
            run = kept_ ? i + 1 : std::string_view::npos;
            record_begin = i + 1;
            started_ = false;
            continue;
        }
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
        record_begin = i + 1;
        started_ = false;
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
