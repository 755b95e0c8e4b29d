// text_format_field: the field's bytes copied in runs between backslashes.
#include "uio/db/formats/text_format_field.hpp"

#include <cstring>

namespace uio::formats {

namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

text_field_decoding decode_text_field(std::string_view rest, std::string& data) {
    text_field_decoding result;
    std::size_t at = 0;
    while (!rest.empty()) {
        const void* bs = std::memchr(rest.data(), '\\', rest.size());
        std::size_t run =
            bs ? static_cast<std::size_t>(static_cast<const char*>(bs) - rest.data()) : rest.size();
        data.append(rest.substr(0, run));
        at += run;
        rest.remove_prefix(run);
        if (rest.empty()) break;
        // rest[0] is a backslash.
        auto fail = [&](const char* why) {
            result.error = why;
            result.error_at = at;
            return result;
        };
        if (rest.size() == 1) return fail("a backslash at the end of a line (write \\n)");
        result.escaped = true;
        char c = rest[1];
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
                if (rest.size() > 2 && hex_digit(rest[2]) >= 0) {
                    value = hex_digit(rest[2]);
                    used = 3;
                    if (rest.size() > 3 && hex_digit(rest[3]) >= 0) {
                        value = value * 16 + hex_digit(rest[3]);
                        used = 4;
                    }
                }
                if (value < 0) {
                    data += 'x';  // as COPY: \x without hex digits is an x
                } else {
                    if (value == 0) return fail("NUL byte (\\x0)");
                    data += static_cast<char>(value);
                }
                break;
            }
            default:
                if (c >= '0' && c <= '7') {
                    int value = c - '0';
                    while (used < 4 && used < rest.size() && rest[used] >= '0' &&
                           rest[used] <= '7') {
                        value = value * 8 + (rest[used] - '0');
                        ++used;
                    }
                    if ((value & 0xff) == 0) return fail("NUL byte (\\0)");
                    data += static_cast<char>(value & 0xff);
                } else {
                    data += c;  // \\ and any other character: that character
                }
        }
        at += used;
        rest.remove_prefix(used);
    }
    return result;
}

std::size_t text_field_end(std::string_view line, std::size_t from, char delimiter) noexcept {
    const char stops[] = {delimiter, '\\'};
    for (;;) {
        from = line.find_first_of(std::string_view(stops, 2), from);
        if (from == std::string_view::npos || line[from] == delimiter) return from;
        from += 2;
        if (from >= line.size()) return std::string_view::npos;
    }
}

}  // namespace uio::formats
