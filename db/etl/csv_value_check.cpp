#include "uio/db/etl/detail/csv_value_check.hpp"

#include <utility>

#include "uio/core/offload.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"

namespace uio::etl {

namespace {

bool checkable(value_kind k) noexcept {
    return k != value_kind::text && k != value_kind::mixed;
}

}  // namespace

csv_value_check::csv_value_check(formats::csv_options csv, std::vector<value_kind> kinds)
    : csv_(std::move(csv)), kinds_(std::move(kinds)), header_pending_(csv_.header) {
    for (value_kind k : kinds_) {
        checked_.push_back(checkable(k));
        checking_ += checkable(k) ? 1 : 0;
    }
}

void csv_value_check::end_field(std::string_view text) {
    const std::size_t c = column_++;
    if (header_pending_ || c >= kinds_.size() || !checked_[c]) return;
    // NULL as COPY reads it: unquoted and empty, or unquoted and equal to --null.
    if (!quoted_ && (csv_.null_string ? text == *csv_.null_string : text.empty())) return;
    if (!value_fits(kinds_[c], text)) pending_.emplace_back(c, widened_kind(kinds_[c], text));
}

void csv_value_check::end_record() noexcept {
    if (!header_pending_ && column_ == kinds_.size()) {
        for (auto [c, wider] : pending_) {
            kinds_[c] = wider;
            widened_ = true;
            if (!checkable(kinds_[c])) {
                checked_[c] = false;
                --checking_;
            }
        }
    }
    pending_.clear();
    header_pending_ = false;
    column_ = 0;
}

void csv_value_check::feed(std::string_view bytes) {
    if (checking_ == 0) return;
    const char quote = csv_.quote, delimiter = csv_.delimiter;
    const char* p = bytes.data();
    const char* end = p + bytes.size();
    const char* start = p;  // where the field in progress starts in `bytes`
    auto take = [&](const char* at) -> std::string_view {
        if (!field_carried_ && !quoted_) return std::string_view(start, at - start);
        if (!quoted_) field_.append(start, at);
        return field_;
    };
    auto next_field = [&](const char* at) {
        field_.clear();
        field_carried_ = false;
        quoted_ = false;
        start = at + 1;
    };
    for (; p < end; ++p) {
        const char c = *p;
        if (in_quotes_) {
            if (quote_pending_) {
                quote_pending_ = false;
                if (c == quote) {  // a doubled quote: one quote of the value
                    field_ += quote;
                    continue;
                }
                in_quotes_ = false;  // it closed the quoted part: `c` is outside
            } else {
                if (c == quote) {
                    quote_pending_ = true;
                } else {
                    field_ += c;
                }
                continue;
            }
        }
        if (c == quote) {
            // A quoted part, anywhere in the field: what came before it is kept.
            if (!quoted_) {
                if (!field_carried_) field_.clear();
                field_.append(start, p);
                quoted_ = true;
            }
            in_quotes_ = true;
        } else if (c == delimiter) {
            end_field(take(p));
            next_field(p);
        } else if (c == '\n' || c == '\r') {
            // A line end; \r\n's \n then ends an empty record, which has the wrong width.
            end_field(take(p));
            end_record();
            next_field(p);
        } else if (quoted_) {
            field_ += c;  // text after a closing quote
        }
    }
    // The field in progress goes on in the next feed.
    if (!quoted_ && start < end) field_.append(start, end);
    field_carried_ = true;
}

void csv_value_check::finish() {
    if (checking_ == 0) return;
    // A last record without a line end.
    if (field_carried_ && (!field_.empty() || quoted_ || column_ > 0)) {
        end_field(field_);
        end_record();
    }
}

std::vector<value_kind> checked_kinds(const std::vector<column_spec>& columns, bool created) {
    std::vector<value_kind> out;
    if (!created) return out;
    for (const column_spec& c : columns) out.push_back(c.inferred ? c.kind : value_kind::text);
    return out;
}

bool apply_widening(const csv_value_check& check, std::vector<column_spec>& columns) {
    bool changed = false;
    for (std::size_t i = 0; i < columns.size() && i < check.kinds().size(); ++i) {
        column_spec& c = columns[i];
        if (!c.inferred || !checkable(c.kind) || check.kinds()[i] == c.kind) continue;
        c.kind = check.kinds()[i];
        c.declared.clear();
        changed = true;
    }
    return changed;
}

task<void> send_checked(async_generator<std::span<const std::byte>> bytes, csv_value_check& check,
                        channel<std::string>& out, bool& stopped) {
    std::exception_ptr failure;
    try {
        while (auto chunk = co_await bytes.next()) {
            std::string text(reinterpret_cast<const char*>(chunk->data()), chunk->size());
            auto checking = [&check, &text] { check.feed(text); };
            co_await offload(checking);
            // The channel stays open meanwhile: a COPY that failed now would stop this
            // check (when_all stops the siblings of a failed task).
            if (check.widened()) stopped = true;
            if (!stopped) co_await send_chunk(out, std::move(text));
        }
        auto finishing = [&check] { check.finish(); };
        co_await offload(finishing);
        if (check.widened()) stopped = true;
    } catch (...) {
        failure = std::current_exception();
        stopped = true;
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace uio::etl
