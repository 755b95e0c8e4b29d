// parse_error: the message layout compilers use (file:line:col: reason), then the excerpt.
#include "uio/db/formats/parse_error.hpp"

#include "uio/db/formats/utf8.hpp"

namespace uio::formats {

namespace {
std::string compose(const std::string& source, std::uint64_t line, std::uint64_t column,
                    const std::string& reason, const std::string& excerpt) {
    std::string out =
        source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + reason;
    if (!excerpt.empty()) out += "\n    " + excerpt;
    return out;
}
}  // namespace

parse_error::parse_error(std::string source, std::uint64_t line, std::uint64_t column,
                         std::string reason, std::string excerpt)
    : std::runtime_error(compose(source, line, column, reason, excerpt)),
      source_(std::move(source)),
      line_(line),
      column_(column),
      reason_(std::move(reason)),
      excerpt_(std::move(excerpt)) {}

std::string parse_error::location_message() const {
    return source_ + ":" + std::to_string(line_) + ":" + std::to_string(column_) + ": " + reason_;
}

std::string printable_excerpt(std::string_view bytes) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    std::size_t i = 0;
    while (i < bytes.size()) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x80) {
            std::size_t n = utf8_sequence_length(bytes.substr(i));
            if (n > 0) {
                out.append(bytes.substr(i, n));
                i += n;
                continue;
            }
        }
        switch (c) {
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\0':
                out += "\\0";
                break;
            default:
                if (c < 0x20 || c >= 0x7f) {
                    out += "\\x";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    return out;
}

}  // namespace uio::formats
