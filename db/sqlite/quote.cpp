// quote_identifier: "" doubling, per SQLite's (and standard SQL's) delimited identifiers.
#include "uio/db/sqlite/quote.hpp"

#include <stdexcept>

namespace uio::sqlite {

std::string quote_identifier(std::string_view name) {
    if (name.empty()) throw std::invalid_argument("an SQL identifier cannot be empty");
    if (name.find('\0') != std::string_view::npos) {
        throw std::invalid_argument("an SQL identifier cannot contain a NUL byte");
    }
    std::string out;
    out.reserve(name.size() + 2);
    out += '"';
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace uio::sqlite
