// redact_conninfo: let libpq parse the string (it knows URIs, quoting and escapes better than
// any pattern we could write), then print what it found with the password masked.
#include "uio/db/pg/conninfo.hpp"

#include <libpq-fe.h>

namespace uio::pg {

namespace {

// A conninfo value, quoted when it is empty or holds spaces, quotes or backslashes.
std::string quoted(std::string_view value) {
    bool plain = !value.empty() && value.find_first_of(" \t\n'\\") == std::string_view::npos;
    if (plain) return std::string(value);
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

}  // namespace

std::string redact_conninfo(std::string_view conninfo) {
    std::string text(conninfo);
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &message);
    if (message) PQfreemem(message);  // it may quote the text: never pass it on
    if (!options) return "<unparsable connection string>";
    std::string out;
    for (PQconninfoOption* option = options; option->keyword; ++option) {
        if (!option->val) continue;
        if (!out.empty()) out += ' ';
        out += option->keyword;
        out += '=';
        bool secret = std::string_view(option->keyword) == "password" ||
                      (option->dispchar && option->dispchar[0] == '*');
        out += secret ? std::string("***") : quoted(option->val);
    }
    PQconninfoFree(options);
    return out;
}

}  // namespace uio::pg
