// tsv_reader: line by line (memchr for the line end, then for tabs and backslashes), the
// field bytes copied in runs between escapes.
#include "uio/db/formats/tsv_reader.hpp"

#include <cstring>

#include "uio/db/formats/text_format_field.hpp"
#include "uio/db/formats/utf8.hpp"

namespace uio::formats {

tsv_reader::tsv_reader(csv_options options)
    : options_(std::move(options)), header_pending_(options_.header) {}

csv_batch tsv_reader::feed(std::string_view chunk) {
    csv_batch out;
    lines_.feed(chunk, [&](std::string_view line) { parse_line(line, out); });
    return out;
}

csv_batch tsv_reader::finish() {
    csv_batch out;
    lines_.finish([&](std::string_view line) { parse_line(line, out); });
    return out;
}

void tsv_reader::fail(std::string_view line, std::size_t at, std::string reason) const {
    std::size_t column = utf8_length(line.substr(0, at)) + 1;
    std::size_t from = at > 40 ? at - 40 : 0;
    throw parse_error(options_.source, line_, column, std::move(reason),
                      printable_excerpt(line.substr(from, at - from + 30)));
}

bool tsv_reader::decode(std::string_view value, std::string_view line, std::size_t at,
                        csv_batch& out) {
    if (options_.null_string ? value == *options_.null_string : value == "\\N") return false;
    std::string& data = out.data_;
    const std::size_t start = data.size();
    text_field_decoding decoded = decode_text_field(value, data);
    if (decoded.error) fail(line, at + decoded.error_at, decoded.error);
    at += value.size();
    if (decoded.escaped) {
        std::string_view made = std::string_view(data).substr(start);
        for (std::size_t i = 0; i < made.size();) {
            std::size_t n = utf8_sequence_length(made.substr(i));
            if (n == 0) fail(line, at, "invalid UTF-8 (made by escapes)");
            i += n;
        }
    }
    return true;
}

void tsv_reader::parse_line(std::string_view line, csv_batch& out) {
    ++line_;
    if (!started_) {
        started_ = true;
        if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Raw bytes: valid UTF-8, no NUL.
    for (std::size_t i = 0; i < line.size();) {
        auto c = static_cast<unsigned char>(line[i]);
        if (c < 0x80) {
            if (c == 0) fail(line, i, "NUL byte");
            ++i;
            continue;
        }
        std::size_t n = utf8_sequence_length(line.substr(i));
        if (n == 0) fail(line, i, "invalid UTF-8");
        i += n;
    }
    if (line.empty() && expected_ > 1) {
        ++blank_lines_;  // no record (see csv_reader)
        return;
    }
    const std::size_t first = out.fields_.size();
    const std::size_t data_start = out.data_.size();
    std::vector<std::size_t> starts;  // the header's fields, for its errors
    std::size_t at = 0;
    for (;;) {
        const std::size_t tab = text_field_end(line, at, options_.delimiter);
        if (header_pending_) starts.push_back(at);
        std::string_view value =
            line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at);
        std::size_t count = out.fields_.size() - first;
        if (expected_ != 0 && count >= expected_ && !options_.allow_ragged) {
            fail(line, at,
                 "too many fields: expected " + std::to_string(expected_) +
                     (options_.header ? " (as in the header)" : " (as in the first row)"));
        }
        std::size_t offset = out.data_.size();
        bool present = decode(value, line, at, out);
        out.fields_.push_back({offset, present ? out.data_.size() - offset : 0, !present});
        if (tab == std::string_view::npos) break;
        at = tab + 1;
    }
    std::size_t count = out.fields_.size() - first;
    if (expected_ == 0) {
        expected_ = count;
    } else if (count < expected_ && !options_.allow_ragged) {
        fail(line, line.size(),
             "too few fields: " + std::to_string(count) + " instead of " +
                 std::to_string(expected_));
    }
    if (header_pending_) {
        header_pending_ = false;
        for (std::size_t i = first; i < out.fields_.size(); ++i) {
            const std::size_t field_at = starts[i - first];
            const auto& f = out.fields_[i];
            std::string name(out.data_, f.offset, f.size);
            if (f.null || name.empty()) {
                fail(line, field_at,
                     "field " + std::to_string(i - first + 1) +
                         " of the header is empty (a column needs a name)");
            }
            for (const std::string& before : header_) {
                if (before == name) {
                    fail(line, field_at,
                         "duplicate column name \"" + printable_excerpt(name) + "\"");
                }
            }
            header_.push_back(std::move(name));
        }
        out.fields_.resize(first);
        out.data_.resize(data_start);
        return;
    }
    out.rows_.push_back({first, count, line_});
    ++rows_read_;
}

}  // namespace uio::formats
