// JSON Lines: a recursive-descent parser for one object per line, strict per RFC 8259.
#include "uio/db/formats/jsonl.hpp"

#include <cstring>

#include "uio/db/formats/utf8.hpp"

namespace uio::formats {

json_field jsonl_batch::row::operator[](std::size_t column) const noexcept {
    const auto& r = b_->rows_[i_];
    if (column >= r.count) return {};
    const auto& f = b_->fields_[r.first + column];
    return {f.kind, std::string_view(b_->data_).substr(f.offset, f.size)};
}

std::optional<std::size_t> jsonl_reader::column_index(std::string_view key) const {
    auto it = column_of_.find(std::string(key));
    if (it == column_of_.end()) return std::nullopt;
    return it->second;
}

jsonl_batch jsonl_reader::feed(std::string_view chunk) {
    jsonl_batch out;
    lines_.feed(chunk, [&](std::string_view line) { parse_line(line, out); });
    return out;
}

jsonl_batch jsonl_reader::finish() {
    jsonl_batch out;
    lines_.finish([&](std::string_view line) { parse_line(line, out); });
    return out;
}

class jsonl_reader::line_parser {
  public:
    line_parser(jsonl_reader& r, std::string_view line, jsonl_batch& out)
        : r_(r), s_(line), out_(out) {}

    void parse_object() {
        skip_ws();
        if (i_ == s_.size()) {
            ++r_.blank_lines_;
            return;
        }
        if (s_[i_] != '{') fail("expected a JSON object ('{')");
        std::size_t first = out_.fields_.size();
        std::uint64_t row_number = r_.rows_read_ + 1;
        std::size_t field_index = 0;
        ++i_;
        skip_ws();
        if (peek() == '}') {
            ++i_;
        } else {
            for (;;) {
                skip_ws();
                if (peek() != '"') fail("expected a key (a string)");
                std::size_t key_pos = i_;
                std::size_t key_offset = out_.data_.size();
                parse_string();
                if (out_.data_.size() == key_offset)
                    fail_at(key_pos, "an empty key names no column");
                std::size_t column =
                    column_for(std::string_view(out_.data_).substr(key_offset), field_index++);
                out_.data_.resize(key_offset);
                if (r_.seen_[column] == row_number)
                    fail_at(key_pos, "duplicate key \"" + r_.columns_[column] + "\"");
                r_.seen_[column] = row_number;
                skip_ws();
                if (peek() != ':') fail("expected ':'");
                ++i_;
                skip_ws();
                while (out_.fields_.size() < first + r_.columns_.size()) {
                    out_.fields_.push_back({json_kind::null_value, 0, 0});
                }
                out_.fields_[first + column] = parse_value();
                skip_ws();
                if (peek() == ',') {
                    ++i_;
                    continue;
                }
                if (peek() == '}') {
                    ++i_;
                    break;
                }
                fail("expected ',' or '}'");
            }
        }
        skip_ws();
        if (i_ != s_.size()) fail("unexpected text after the object");
        while (out_.fields_.size() < first + r_.columns_.size()) {
            out_.fields_.push_back({json_kind::null_value, 0, 0});
        }
        out_.rows_.push_back({first, r_.columns_.size(), r_.line_});
        ++r_.rows_read_;
    }

  private:
    char peek() const noexcept { return i_ < s_.size() ? s_[i_] : '\0'; }
    void skip_ws() noexcept {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
    }
    // Rows of a file almost always list their keys in the same order, so the key at
    // position n is first compared with column n; the hash lookup (which allocates) is the
    // fallback.
    std::size_t column_for(std::string_view key, std::size_t position) {
        if (position < r_.columns_.size() && r_.columns_[position] == key) return position;
        auto [it, added] = r_.column_of_.try_emplace(std::string(key), r_.columns_.size());
        if (added) {
            r_.columns_.emplace_back(key);
            r_.seen_.push_back(0);
        }
        return it->second;
    }

    jsonl_batch::stored parse_value() {
        std::size_t start = i_;
        char c = peek();
        std::size_t offset = out_.data_.size();
        if (c == '"') {
            parse_string();
            return {json_kind::string, offset, out_.data_.size() - offset};
        }
        if (c == '{' || c == '[') {
            skip_value(0);
            out_.data_.append(s_.substr(start, i_ - start));
            return {json_kind::raw, offset, i_ - start};
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            parse_number();
            out_.data_.append(s_.substr(start, i_ - start));
            return {json_kind::number, offset, i_ - start};
        }
        if (s_.substr(i_, 4) == "null") {
            i_ += 4;
            return {json_kind::null_value, offset, 0};
        }
        for (std::string_view word : {"true", "false"}) {
            if (s_.substr(i_, word.size()) == word) {
                i_ += word.size();
                out_.data_.append(word);
                return {json_kind::boolean, offset, word.size()};
            }
        }
        fail(i_ == s_.size() ? "unexpected end of line" : "invalid value");
    }

    // A nested value, validated and skipped (its text is kept raw).
    void skip_value(int depth) {
        if (depth > 512) fail("nesting too deep");
        skip_ws();
        char c = peek();
        if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            ++i_;
            skip_ws();
            if (peek() == close) {
                ++i_;
                return;
            }
            for (;;) {
                skip_ws();
                if (c == '{') {
                    if (peek() != '"') fail("expected a key (a string)");
                    std::size_t mark = out_.data_.size();
                    parse_string();
                    out_.data_.resize(mark);
                    skip_ws();
                    if (peek() != ':') fail("expected ':'");
                    ++i_;
                }
                skip_value(depth + 1);
                skip_ws();
                if (peek() == ',') {
                    ++i_;
                    continue;
                }
                if (peek() == close) {
                    ++i_;
                    return;
                }
                fail(c == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
            }
        }
        std::size_t mark = out_.data_.size();
        parse_value();
        out_.data_.resize(mark);
    }

    void parse_number() {
        std::size_t start = i_;
        if (peek() == '-') ++i_;
        if (peek() == '0') {
            ++i_;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') ++i_;
        } else {
            fail_at(start, "invalid number");
        }
        if (peek() == '.') {
            ++i_;
            if (!(peek() >= '0' && peek() <= '9')) fail("invalid number");
            while (peek() >= '0' && peek() <= '9') ++i_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++i_;
            if (peek() == '+' || peek() == '-') ++i_;
            if (!(peek() >= '0' && peek() <= '9')) fail("invalid number");
            while (peek() >= '0' && peek() <= '9') ++i_;
        }
    }

    unsigned hex4() {
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            char c = peek();
            unsigned d;
            if (c >= '0' && c <= '9')
                d = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = static_cast<unsigned>(c - 'A' + 10);
            else
                fail("invalid \\u escape");
            v = v * 16 + d;
            ++i_;
        }
        return v;
    }

    void append_code_point(unsigned cp) {
        std::string& d = out_.data_;
        if (cp < 0x80) {
            d += static_cast<char>(cp);
        } else if (cp < 0x800) {
            d += static_cast<char>(0xc0 | (cp >> 6));
            d += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            d += static_cast<char>(0xe0 | (cp >> 12));
            d += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            d += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            d += static_cast<char>(0xf0 | (cp >> 18));
            d += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            d += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            d += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    // A string at s_[i_] == '"', unescaped onto out_.data_.
    void parse_string() {
        std::size_t open = i_++;
        std::string& d = out_.data_;
        for (;;) {
            std::size_t run = i_;
            while (i_ < s_.size()) {
                auto c = static_cast<unsigned char>(s_[i_]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++i_;
            }
            d.append(s_.substr(run, i_ - run));
            if (i_ == s_.size()) fail_at(open, "unterminated string");
            auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                return;
            }
            if (c >= 0x80) {
                std::size_t n = utf8_sequence_length(s_.substr(i_));
                if (n == 0) fail("invalid UTF-8");
                d.append(s_.substr(i_, n));
                i_ += n;
                continue;
            }
            if (c < 0x20) fail(c == 0 ? "NUL byte" : "control character in a string (escape it)");
            ++i_;  // backslash
            std::size_t escape = i_ - 1;
            switch (peek()) {
                case '"':
                    d += '"';
                    break;
                case '\\':
                    d += '\\';
                    break;
                case '/':
                    d += '/';
                    break;
                case 'b':
                    d += '\b';
                    break;
                case 'f':
                    d += '\f';
                    break;
                case 'n':
                    d += '\n';
                    break;
                case 'r':
                    d += '\r';
                    break;
                case 't':
                    d += '\t';
                    break;
                case 'u': {
                    ++i_;
                    unsigned cp = hex4();
                    if (cp >= 0xdc00 && cp <= 0xdfff) fail_at(escape, "unpaired surrogate escape");
                    if (cp >= 0xd800 && cp <= 0xdbff) {
                        if (s_.substr(i_, 2) != "\\u") fail_at(escape, "unpaired surrogate escape");
                        i_ += 2;
                        unsigned lo = hex4();
                        if (lo < 0xdc00 || lo > 0xdfff)
                            fail_at(escape, "unpaired surrogate escape");
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    }
                    append_code_point(cp);
                    continue;
                }
                default:
                    fail_at(escape, "invalid escape");
            }
            ++i_;
        }
    }

    [[noreturn]] void fail(const std::string& reason) const { fail_at(i_, reason); }
    [[noreturn]] void fail_at(std::size_t pos, const std::string& reason) const {
        // Columns count code points; bytes before `pos` on this line are valid UTF-8 or
        // the error is at the first invalid one.
        std::size_t column = utf8_length(s_.substr(0, pos)) + 1;
        std::size_t from = pos > 40 ? pos - 40 : 0;
        throw parse_error(r_.source_, r_.line_, column, reason,
                          printable_excerpt(s_.substr(from, pos - from + 30)));
    }

    jsonl_reader& r_;
    std::string_view s_;
    jsonl_batch& out_;
    std::size_t i_ = 0;
};

void jsonl_reader::parse_line(std::string_view line, jsonl_batch& out) {
    ++line_;
    if (!started_) {
        started_ = true;
        if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    }
    if (!skip_bad_lines_) {
        line_parser(*this, line, out).parse_object();
        return;
    }
    // Undo whatever the bad line added: its fields, and keys first seen on it.
    const std::size_t data = out.data_.size(), fields = out.fields_.size();
    const std::size_t rows = out.rows_.size(), columns = columns_.size();
    try {
        line_parser(*this, line, out).parse_object();
    } catch (const parse_error& e) {
        out.data_.resize(data);
        out.fields_.resize(fields);
        out.rows_.resize(rows);
        for (std::size_t c = columns; c < columns_.size(); ++c) column_of_.erase(columns_[c]);
        columns_.resize(columns);
        seen_.resize(columns);
        for (std::uint64_t& s : seen_) {
            if (s == rows_read_ + 1) s = 0;  // the next row has the bad line's number
        }
        out.bad_lines.push_back(
            {e.line(), e.column(), e.reason(), printable_excerpt(line.substr(0, 200))});
    }
}

void jsonl_writer::write_row(std::span<const json_field> fields, std::string& out) const {
    out += '{';
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i) out += ',';
        append_json_string(columns_[i], out);
        out += ':';
        json_field f = i < fields.size() ? fields[i] : json_field{};
        switch (f.kind) {
            case json_kind::null_value:
                out += "null";
                break;
            case json_kind::string:
                append_json_string(f.text, out);
                break;
            default:
                out += f.text;
                break;  // number, boolean, raw: already JSON
        }
    }
    out += "}\n";
}

}  // namespace uio::formats
