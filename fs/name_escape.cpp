// The UTF-8 check is db/formats' strict one (no overlongs, no surrogates); the JSON literal
// is db/formats' writer.
#include "uio/fs/name_escape.hpp"

#include <uio/db/formats/json_string.hpp>
#include <uio/db/formats/utf8.hpp>

namespace uio::fs {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

void append_octal(unsigned char byte, std::string& out) {
    out += "\\#";
    out += static_cast<char>('0' + (byte >> 6));
    out += static_cast<char>('0' + ((byte >> 3) & 7));
    out += static_cast<char>('0' + (byte & 7));
}

}  // namespace

void append_escaped_name(std::string_view name, std::string& out) {
    for (std::size_t i = 0; i < name.size();) {
        const auto byte = static_cast<unsigned char>(name[i]);
        if (byte >= 0x80) {
            const std::size_t n = uio::formats::utf8_sequence_length(name.substr(i));
            if (n == 0) {
                append_octal(byte, out);
                ++i;
            } else {
                out.append(name.substr(i, n));
                i += n;
            }
            continue;
        }
        const bool looks_escaped = byte == '\\' && i + 4 < name.size() && name[i + 1] == '#' &&
                                   is_digit(name[i + 2]) && is_digit(name[i + 3]) &&
                                   is_digit(name[i + 4]);
        if ((byte < 0x20 && byte != '\t') || looks_escaped) {
            append_octal(byte, out);
        } else {
            out += static_cast<char>(byte);
        }
        ++i;
    }
}

std::string escape_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    append_escaped_name(name, out);
    return out;
}

std::string json_name(std::string_view name) {
    return uio::formats::json_string(escape_name(name));
}

}  // namespace uio::fs
