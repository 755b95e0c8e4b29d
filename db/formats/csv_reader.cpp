// csv_reader: a byte-class state machine. The hot loops skip ordinary bytes with one table
// lookup each and copy field bytes in runs; positions for error messages are kept as stream
// offsets plus a count of UTF-8 continuation bytes, so columns cost nothing until an error.
#include "uio/db/formats/csv_reader.hpp"

#include <algorithm>
#include <stdexcept>

#include "uio/db/formats/utf8.hpp"

namespace uio::formats {

namespace {
constexpr std::string_view bom = "\xEF\xBB\xBF";
}

csv_reader::csv_reader(csv_options options)
    : options_(std::move(options)), header_pending_(options_.header) {
    if (!usable_delimiter_and_quote(options_.delimiter, options_.quote)) {
        throw std::invalid_argument(
            "csv: the delimiter and quote must be distinct ASCII characters, "
            "not a line end or NUL");
    }
    for (int c = 0x80; c < 256; ++c) unquoted_class_[c] = quoted_class_[c] = 1;
    for (unsigned char c : {'\n', '\r', '\0'}) unquoted_class_[c] = 1;
    unquoted_class_[static_cast<unsigned char>(options_.delimiter)] = 1;
    unquoted_class_[static_cast<unsigned char>(options_.quote)] = 1;
    for (unsigned char c : {'\n', '\0'}) quoted_class_[c] = 1;
    quoted_class_[static_cast<unsigned char>(options_.quote)] = 1;
}

csv_batch csv_reader::feed(std::string_view chunk) {
    if (!carry_.empty()) {
        // Complete the UTF-8 sequence split by the previous chunk boundary.
        while (!chunk.empty() && utf8_incomplete(carry_)) {
            carry_ += chunk.front();
            chunk.remove_prefix(1);
        }
        if (utf8_incomplete(carry_)) return take_complete_rows();
        std::string pending = std::move(carry_);
        carry_.clear();
        parse(pending.data(), pending.data() + pending.size());
    }
    std::size_t used = parse(chunk.data(), chunk.data() + chunk.size());
    carry_.assign(chunk.substr(used));
    return take_complete_rows();
}

csv_batch csv_reader::finish() {
    if (!carry_.empty()) {
        buffer_ = carry_.data();
        buffer_end_ = carry_.data() + carry_.size();
        base_ = consumed_;
        fail(carry_.data(), "invalid UTF-8 (truncated sequence at end of input)");
    }
    buffer_ = nullptr;
    switch (state_) {
        case state::quoted:
            fail_at(quote_line_, quote_column_, "unterminated quoted field",
                    printable_excerpt(std::string(1, options_.quote) +
                                      current_.data_.substr(field_offset_, 40)));
        case state::unquoted:
            end_field(saw_quote_);
            end_row(nullptr);
            break;
        case state::quoted_quote:
            end_field(true);
            end_row(nullptr);
            break;
        case state::field_start:
            if (current_.fields_.size() > row_first_field_) {  // "a,b," then end of input
                field_offset_ = current_.data_.size();
                field_line_ = line_;
                field_column_ = column_of(consumed_, continuations_);
                end_field(false);
                end_row(nullptr);
            }
            break;
        case state::after_cr:
            break;
    }
    state_ = state::field_start;
    return take_complete_rows();
}

csv_batch csv_reader::take_complete_rows() {
    csv_batch out = std::move(current_);
    current_ = csv_batch{};
    if (row_first_field_ < out.fields_.size() || row_data_start_ < out.data_.size()) {
        current_.data_.assign(out.data_, row_data_start_);
        for (std::size_t i = row_first_field_; i < out.fields_.size(); ++i) {
            auto f = out.fields_[i];
            f.offset -= row_data_start_;
            current_.fields_.push_back(f);
        }
        out.data_.resize(row_data_start_);
        out.fields_.resize(row_first_field_);
    }
    if (state_ == state::unquoted || state_ == state::quoted || state_ == state::quoted_quote) {
        field_offset_ -= row_data_start_;
    }
    row_first_field_ = 0;
    row_data_start_ = 0;
    return out;
}

void csv_reader::newline_after(const char* at) noexcept {
    ++line_;
    line_start_ = offset_of(at) + 1;
    line_start_cont_ = continuations_;
}

void csv_reader::end_field(bool quoted) {
    last_quoted_ = quoted;
    std::string& data = current_.data_;
    std::size_t size = data.size() - field_offset_;
    bool null;
    if (options_.null_string) {
        null = !quoted && std::string_view(data).substr(field_offset_) == *options_.null_string;
    } else {
        null = !quoted && size == 0;
    }
    if (null) data.resize(field_offset_);
    std::size_t count = current_.fields_.size() - row_first_field_;
    if (header_pending_ && (null || size == 0)) {
        // A column needs a name: an empty one would fail later, far from the input.
        fail_at(field_line_, field_column_,
                "field " + std::to_string(count + 1) +
                    " of the header is empty (a column needs a name)",
                {});
    }
    if (header_pending_) header_places_.push_back({field_line_, field_column_});
    if (expected_ != 0 && count >= expected_ && !options_.allow_ragged) {
        fail_at(field_line_, field_column_,
                "too many fields: expected " + std::to_string(expected_) +
                    (options_.header ? " (as in the header)" : " (as in the first row)"),
                {});
    }
    current_.fields_.push_back({field_offset_, null ? 0 : size, null});
}

void csv_reader::end_row(const char* at) {
    std::size_t count = current_.fields_.size() - row_first_field_;
    if (count == 1 && expected_ > 1 && !last_quoted_ &&
        current_.fields_[row_first_field_].size == 0 && current_.data_.size() == row_data_start_) {
        // An empty line, where a record has more than one field: no record at all (a
        // trailing empty line, a blank line between records). In a one-column file it is
        // a NULL, as PostgreSQL reads it and csv_writer writes it.
        current_.fields_.resize(row_first_field_);
        ++blank_lines_;
        return;
    }
    if (expected_ == 0) {
        expected_ = count;
    } else if (count < expected_ && !options_.allow_ragged) {
        std::string reason =
            "too few fields: " + std::to_string(count) + " instead of " + std::to_string(expected_);
        if (at) fail(at, std::move(reason));
        fail_at(line_, column_of(consumed_, continuations_), std::move(reason), {});
    }
    if (header_pending_) {
        header_pending_ = false;
        for (std::size_t i = row_first_field_; i < current_.fields_.size(); ++i) {
            const auto& f = current_.fields_[i];
            std::string name(current_.data_, f.offset, f.size);
            // Two columns of one name: the database would refuse the table, far from here.
            for (const std::string& before : header_) {
                if (before != name) continue;
                const auto& place = header_places_[header_.size()];
                fail_at(place.first, place.second,
                        "duplicate column name \"" + printable_excerpt(name) + "\"", {});
            }
            header_.push_back(std::move(name));
        }
        header_places_.clear();
        current_.fields_.resize(row_first_field_);
        current_.data_.resize(row_data_start_);
    } else {
        current_.rows_.push_back({row_first_field_, count, row_line_});
        ++rows_read_;
    }
    row_first_field_ = current_.fields_.size();
    row_data_start_ = current_.data_.size();
}

std::size_t csv_reader::parse(const char* begin, const char* end) {
    buffer_ = begin;
    buffer_end_ = end;
    base_ = consumed_;
    const char* p = begin;
    if (!started_) {
        std::string_view head(p, static_cast<std::size_t>(end - p));
        if (head.size() < bom.size() && bom.substr(0, head.size()) == head) return 0;  // wait
        started_ = true;
        if (head.substr(0, bom.size()) == bom) {
            p += bom.size();
            line_start_ = bom.size();
        }
    }
    std::string& data = current_.data_;
    const char* run = p;  // field bytes not yet copied into data
    const char quote = options_.quote;
    const char delimiter = options_.delimiter;

    // Validates the multibyte sequence at p; returns false to stop before an incomplete one.
    auto multibyte = [&](const char*& at) -> bool {
        std::string_view rest(at, static_cast<std::size_t>(end - at));
        std::size_t n = utf8_sequence_length(rest);
        if (n == 0) {
            if (utf8_incomplete(rest)) return false;
            fail(at, "invalid UTF-8");
        }
        continuations_ += n - 1;
        at += n;
        return true;
    };

    while (p < end) {
        switch (state_) {
            case state::after_cr:
                state_ = state::field_start;
                if (*p == '\n') {
                    line_start_ = offset_of(p) + 1;
                    ++p;
                    continue;
                }
                [[fallthrough]];
            case state::field_start:
                if (current_.fields_.size() == row_first_field_) row_line_ = line_;
                field_offset_ = data.size();
                field_line_ = line_;
                field_column_ = column_of(offset_of(p), continuations_);
                saw_quote_ = false;
                warned_ = false;
                if (*p == quote) {
                    quote_line_ = field_line_;
                    quote_column_ = field_column_;
                    saw_quote_ = true;
                    state_ = state::quoted;
                    run = ++p;
                    continue;
                }
                state_ = state::unquoted;
                run = p;
                [[fallthrough]];
            case state::unquoted: {
                while (p < end && !unquoted_class_[static_cast<unsigned char>(*p)]) ++p;
                if (p == end) break;
                char c = *p;
                if (static_cast<unsigned char>(c) >= 0x80) {
                    if (!multibyte(p)) {
                        data.append(run, p);
                        consumed_ = base_ + static_cast<std::uint64_t>(p - begin);
                        return static_cast<std::size_t>(p - begin);
                    }
                    continue;
                }
                if (c == delimiter) {
                    data.append(run, p);
                    end_field(saw_quote_);
                    state_ = state::field_start;
                    ++p;
                } else if (c == '\n' || c == '\r') {
                    data.append(run, p);
                    end_field(saw_quote_);
                    end_row(p);
                    newline_after(p);
                    state_ = c == '\r' ? state::after_cr : state::field_start;
                    ++p;
                } else if (c == quote) {
                    if (options_.strict) {
                        fail(p, "quote character inside an unquoted field (quote the whole field)");
                    }
                    // As COPY reads it: the quote opens a quoted section of this field.
                    data.append(run, p);
                    warn();
                    quote_line_ = line_;
                    quote_column_ = column_of(offset_of(p), continuations_);
                    saw_quote_ = true;
                    state_ = state::quoted;
                    run = ++p;
                    continue;
                } else {
                    fail(p, "NUL byte");
                }
                run = p;
                continue;
            }
            case state::quoted: {
                while (p < end && !quoted_class_[static_cast<unsigned char>(*p)]) ++p;
                if (p == end) break;
                char c = *p;
                if (static_cast<unsigned char>(c) >= 0x80) {
                    if (!multibyte(p)) {
                        data.append(run, p);
                        consumed_ = base_ + static_cast<std::uint64_t>(p - begin);
                        return static_cast<std::size_t>(p - begin);
                    }
                } else if (c == quote) {
                    data.append(run, p);
                    state_ = state::quoted_quote;
                    run = ++p;
                } else if (c == '\n') {
                    newline_after(p);
                    ++p;
                } else {
                    fail(p, "NUL byte");
                }
                continue;
            }
            case state::quoted_quote: {
                char c = *p;
                if (c == quote) {  // a doubled quote: one quote character of data
                    data += quote;
                    state_ = state::quoted;
                    run = ++p;
                } else if (c == delimiter) {
                    end_field(true);
                    state_ = state::field_start;
                    run = ++p;
                } else if (c == '\n' || c == '\r') {
                    end_field(true);
                    end_row(p);
                    newline_after(p);
                    state_ = c == '\r' ? state::after_cr : state::field_start;
                    run = ++p;
                } else {
                    if (options_.strict) {
                        fail(p,
                             "unexpected character after a closing quote (expected a delimiter "
                             "or the end of the line)");
                    }
                    warn();  // as COPY reads it: the field goes on, unquoted
                    state_ = state::unquoted;
                    run = p;
                }
                continue;
            }
        }
    }
    if (state_ == state::unquoted || state_ == state::quoted) data.append(run, p);
    consumed_ = base_ + static_cast<std::uint64_t>(p - begin);
    return static_cast<std::size_t>(p - begin);
}

void csv_reader::fail(const char* at, std::string reason) const {
    // An excerpt of what this buffer holds of the line around the error.
    std::uint64_t line_start_in_buffer = line_start_ > base_ ? line_start_ - base_ : 0;
    const char* from =
        std::max(buffer_ + std::min<std::uint64_t>(line_start_in_buffer,
                                                   static_cast<std::uint64_t>(at - buffer_)),
                 at - 40);
    const char* to = at;
    while (to < buffer_end_ && to < at + 30 && *to != '\n') ++to;
    if (to == at && at < buffer_end_) ++to;  // at least the offending byte
    fail_at(line_, column_of(offset_of(at), continuations_), std::move(reason),
            printable_excerpt(std::string_view(from, static_cast<std::size_t>(to - from))));
}

void csv_reader::fail_at(std::uint64_t line, std::uint64_t column, std::string reason,
                         std::string excerpt) const {
    throw parse_error(options_.source, line, column, std::move(reason), std::move(excerpt));
}

}  // namespace uio::formats
