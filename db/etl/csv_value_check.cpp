#include "uio/db/etl/detail/csv_value_check.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "uio/core/offload.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/csv_check_ahead.hpp"
#include "uio/db/formats/text_format_field.hpp"

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
    for (char c : {csv_.quote, csv_.delimiter, '\n', '\r'}) {
        special_[static_cast<unsigned char>(c)] = true;
    }
}

void csv_value_check::end_field(std::string_view text) {
    const std::size_t c = column_++;
    if (header_pending_ || c >= kinds_.size() || !checked_[c]) return;
    // NULL as COPY reads it: unquoted and empty, or unquoted and equal to --null.
    if (!quoted_ && (csv_.null_string ? text == *csv_.null_string : text.empty())) return;
    check_value(c, text);
}

void csv_value_check::check_value(std::size_t c, std::string_view text) {
    if (!value_fits(kinds_[c], text)) pending_.emplace_back(c, widened_kind(kinds_[c], text));
}

void csv_value_check::text_line(std::string_view line) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() && kinds_.size() > 1) return;  // no record, and not the header
    std::size_t at = 0;
    for (;;) {
        const std::size_t end = formats::text_field_end(line, at, csv_.delimiter);
        std::string_view raw = line.substr(at, end == std::string_view::npos ? end : end - at);
        const std::size_t c = column_++;
        const bool null = csv_.null_string ? raw == *csv_.null_string : raw == "\\N";
        if (!header_pending_ && c < kinds_.size() && checked_[c] && !null) {
            value_.clear();
            if (!formats::decode_text_field(raw, value_).error) check_value(c, value_);
        }
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    end_record();
}

void csv_value_check::feed_text(std::string_view bytes) {
    const char* const start = bytes.data();
    while (!bytes.empty()) {
        const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
        if (!nl) {
            line_.append(bytes);
            return;
        }
        auto n = static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data());
        if (line_.empty()) {
            text_line(bytes.substr(0, n));
        } else {
            line_.append(bytes.substr(0, n));
            text_line(line_);
            line_.clear();
        }
        bytes.remove_prefix(n + 1);
        record_end_ = static_cast<std::size_t>(bytes.data() - start);
    }
}

void csv_value_check::end_record() noexcept {
    if (!header_pending_ && column_ == kinds_.size()) {
        if (!pending_.empty()) ++widenings_;
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
    record_end_ = std::string_view::npos;
    if (checking_ == 0) {
        record_end_ = bytes.size();  // nothing can widen any more: cut anywhere
        return;
    }
    if (csv_.text_format) {
        feed_text(bytes);
        return;
    }
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
        if (in_quotes_) {
            if (quote_pending_) {
                quote_pending_ = false;
                if (*p == quote) {  // a doubled quote: one quote of the value
                    if (keeps_field()) field_ += quote;
                    continue;
                }
                in_quotes_ = false;  // it closed the quoted part: `*p` is outside
            } else {
                // To the next quote at once; the text kept only for a checked value.
                const void* q = std::memchr(p, quote, static_cast<std::size_t>(end - p));
                const char* stop = q ? static_cast<const char*>(q) : end;
                if (keeps_field()) field_.append(p, stop);
                if (!q) {
                    p = end;
                    break;
                }
                p = stop;
                quote_pending_ = true;
                continue;
            }
        }
        // Outside quotes: a run of ordinary bytes in one loop (one table look-up a byte);
        // after a closing quote it is text of the field (kept for a checked value).
        if (!special_[static_cast<unsigned char>(*p)]) {
            const char* run = p;
            do {
                ++p;
            } while (p < end && !special_[static_cast<unsigned char>(*p)]);
            if (quoted_ && keeps_field()) field_.append(run, p);
            if (p == end) break;
        }
        const char c = *p;
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
        } else {  // '\n' or '\r'
            // An empty line (or \r\n's \n) is no record in a table of several columns: it
            // is skipped, before the header too, as csv_reader and the loads skip it.
            // A cut after \n, or after a \r that no \n follows in this feed.
            const bool cut = c == '\n' || (p + 1 < end && p[1] != '\n');
            if (column_ == 0 && !quoted_ && kinds_.size() > 1 && take(p).empty()) {
                next_field(p);
                if (cut) record_end_ = static_cast<std::size_t>(p + 1 - bytes.data());
                continue;
            }
            end_field(take(p));
            end_record();
            next_field(p);
            if (cut) record_end_ = static_cast<std::size_t>(p + 1 - bytes.data());
        }
    }
    // The field in progress goes on in the next feed.
    if (!quoted_ && start < end) field_.append(start, end);
    field_carried_ = true;
}

void csv_value_check::finish() {
    if (checking_ == 0) return;
    if (csv_.text_format) {
        if (!line_.empty()) text_line(line_);
        line_.clear();
        return;
    }
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

namespace {

// send_checked's sending, the check one chunk ahead (a compressed or filtered input).
task<void> send_checked_in_step(async_generator<std::span<const std::byte>> bytes,
                                csv_value_check& check, channel<std::string>& out,
                                const std::vector<column_spec>& columns, std::string dummy_header,
                                widening_steps& steps) {
    std::string unsent;  // from a record's start: the part of a record the chunk cut
    std::uint64_t lines_sent = 0;
    // The dummy header takes the line ending of the stream's first line, as the server
    // learnt it from that line.
    bool ending_known = false;
    // A cut before what is unsent: the COPY ends there and the columns widen.
    auto cut = [&]() -> task<void> {
        steps.pending.push_back({with_kinds(columns, check.kinds()), lines_sent});
        co_await send_chunk(out, std::string());
        if (!dummy_header.empty()) co_await send_chunk(out, dummy_header);
    };
    while (auto chunk = co_await bytes.next()) {
        const std::size_t held = unsent.size();
        unsent.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
        if (!ending_known && !dummy_header.empty()) {
            const std::size_t nl = unsent.find('\n');
            if (nl != std::string::npos) {
                ending_known = true;
                if (nl > 0 && unsent[nl - 1] == '\r' && !dummy_header.ends_with("\r\n")) {
                    dummy_header.insert(dummy_header.size() - 1, "\r");
                }
            }
        }
        const std::uint64_t before = check.widenings();
        std::string text;
        std::uint64_t lines = 0;
        auto checking = [&] {
            check.feed(std::string_view(unsent).substr(held));
            const std::size_t end = check.record_end();
            if (end == std::string_view::npos) return;
            text.assign(unsent, 0, held + end);
            unsent.erase(0, held + end);
            lines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
        };
        co_await offload(checking);
        if (check.widenings() != before) {
            auto cutting = cut();
            co_await std::move(cutting);
        }
        if (text.empty()) continue;
        lines_sent += lines;
        co_await send_chunk(out, std::move(text));
    }
    const std::uint64_t before = check.widenings();
    auto finishing = [&check] { check.finish(); };
    co_await offload(finishing);
    if (check.widenings() != before) {
        auto cutting = cut();
        co_await std::move(cutting);
    }
    if (!unsent.empty()) co_await send_chunk(out, std::move(unsent));
}

}  // namespace

task<void> send_checked(async_generator<std::span<const std::byte>> bytes, csv_value_check& check,
                        channel<std::string>& out, bool& stopped,
                        const std::vector<column_spec>& columns, std::string dummy_header,
                        widening_steps& steps, input_file* rest) {
    std::exception_ptr failure;
    try {
        if (rest) {
            auto sending = send_checked_ahead(std::move(bytes), check, *rest, out, columns,
                                              std::move(dummy_header), steps);
            co_await std::move(sending);
        } else {
            auto sending = send_checked_in_step(std::move(bytes), check, out, columns,
                                                std::move(dummy_header), steps);
            co_await std::move(sending);
        }
    } catch (...) {
        failure = std::current_exception();
        stopped = true;
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace uio::etl
