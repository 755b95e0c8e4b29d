#include "csv_block_splitter.hpp"

#include <utility>

namespace uio::etl {

void csv_block_splitter::cut(std::vector<std::string>& out) {
    std::string rest = pending_.substr(last_end_);
    pending_.resize(last_end_);
    out.push_back(std::move(pending_));
    pending_ = std::move(rest);
    last_end_ = 0;
    first_cut_ = true;
}

void csv_block_splitter::feed(std::string_view chunk, std::vector<std::string>& out) {
    pending_.append(chunk);
    std::size_t i = scanned_;
    while (i < pending_.size()) {
        const char c = pending_[i++];
        if (c == quote_) {
            in_quotes_ = !in_quotes_;
        } else if (c == '\n' && !in_quotes_) {
            last_end_ = i;
            if (!first_cut_) {
                cut(out);
                i = 0;  // the rest of pending_ is still to scan
            }
        }
    }
    scanned_ = pending_.size();
    if (last_end_ >= block_size_) {
        cut(out);
        scanned_ = pending_.size();
    }
}

void csv_block_splitter::finish(std::vector<std::string>& out) {
    if (pending_.empty()) return;
    last_end_ = pending_.size();
    cut(out);
    scanned_ = 0;
}

}  // namespace uio::etl
