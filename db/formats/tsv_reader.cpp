// tsv_reader: line by line (memchr for the line end, then for tabs and backslashes), the
// field bytes copied in runs between escapes.
#include "uio/db/formats/tsv_reader.hpp"

#include <cstring>

#include "uio/db/formats/utf8.hpp"

namespace uio::formats {

namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

tsv_reader::tsv_reader(csv_options options)
    : options_(std::move(options)), header_pending_(options_.header) {}

csv_batch tsv_reader::feed(std::string_view chunk) {
    csv_batch out;
    while (!chunk.empty()) {
        const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
        if (!nl) {
            pending_.append(chunk);
            break;
        }
        std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data());
        if (pending_.empty()) {
            parse_line(chunk.substr(0, n), out);
        } else {
            pending_.append(chunk.substr(0, n));
            std::string line = std::move(pending_);
            pending_.clear();
            parse_line(line, out);
        }
        chunk.remove_prefix(n + 1);
    }
    return out;
}

csv_batch tsv_reader::finish() {
    csv_batch out;
    if (!pending_.empty()) {
        std::string line = std::move(pending_);
        pending_.clear();
        parse_line(line, out);
    }
    return out;
}

void tsv_reader::fail(std::string_view line, std::size_t at, std::string reason) const {
    std::size_t column = utf8_length(line.substr(0, at)) + 1;
    std::size_t from = at > 40 ? at - 40 : 0;
    throw parse_error(options_.source, line_, column, std::move(reason),
                      printable_excerpt(line.substr(from, at - from + 30)));
}

bool tsv_reader::decode(std::string_view field, std::string_view line, std::size_t at,
                        csv_batch& out) {
    if (options_.null_string ? field == *options_.null_string : field == "\\N") return false;
    std::string& data = out.data_;
    const std::size_t start = data.size();
    bool escaped = false;
    while (!field.empty()) {
        const void* bs = std::memchr(field.data(), '\\', field.size());
        std::size_t run = bs ? static_cast<std::size_t>(static_cast<const char*>(bs) - field.data())
                             : field.size();
        data.append(field.substr(0, run));
        at += run;
        field.remove_prefix(run);
        if (field.empty()) break;
        // field[0] is a backslash.
        if (field.size() == 1) fail(line, at, "a backslash at the end of a line (write \\n)");
        escaped = true;
        char c = field[1];
        std::size_t used = 2;
        switch (c) {
            case 'b':
                data += '\b';
                break;
            case 'f':
                data += '\f';
                break;
            case 'n':
                data += '\n';
                break;
            case 'r':
                data += '\r';
                break;
            case 't':
                data += '\t';
                break;
            case 'v':
                data += '\v';
                break;
            case 'x': {
                int value = -1;
                if (field.size() > 2 && hex_digit(field[2]) >= 0) {
                    value = hex_digit(field[2]);
                    used = 3;
                    if (field.size() > 3 && hex_digit(field[3]) >= 0) {
                        value = value * 16 + hex_digit(field[3]);
                        used = 4;
                    }
                }
                if (value < 0) {
                    data += 'x';  // as COPY: \x without hex digits is an x
                } else {
                    if (value == 0) fail(line, at, "NUL byte (\\x0)");
                    data += static_cast<char>(value);
                }
                break;
            }
            default:
                if (c >= '0' && c <= '7') {
                    int value = c - '0';
                    while (used < 4 && used < field.size() && field[used] >= '0' &&
                           field[used] <= '7') {
                        value = value * 8 + (field[used] - '0');
                        ++used;
                    }
                    if ((value & 0xff) == 0) fail(line, at, "NUL byte (\\0)");
                    data += static_cast<char>(value & 0xff);
                } else {
                    data += c;  // \\ and any other character: that character
                }
        }
        at += used;
        field.remove_prefix(used);
    }
    if (escaped) {
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
    const char stops[] = {options_.delimiter, '\\'};
    std::vector<std::size_t> starts;  // the header's fields, for its errors
    std::size_t at = 0;
    for (;;) {
        // The next delimiter that no backslash escapes (COPY reads "\<TAB>" as a TAB).
        std::size_t tab = at;
        for (;;) {
            tab = line.find_first_of(std::string_view(stops, 2), tab);
            if (tab == std::string_view::npos || line[tab] == options_.delimiter) break;
            tab += 2;
            if (tab >= line.size()) {
                tab = std::string_view::npos;
                break;
            }
        }
        if (header_pending_) starts.push_back(at);
        std::string_view field =
            line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at);
        std::size_t count = out.fields_.size() - first;
        if (expected_ != 0 && count >= expected_ && !options_.allow_ragged) {
            fail(line, at,
                 "too many fields: expected " + std::to_string(expected_) +
                     (options_.header ? " (as in the header)" : " (as in the first row)"));
        }
        std::size_t offset = out.data_.size();
        bool present = decode(field, line, at, out);
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
