// redact_conninfo: libpq parses keyword=value strings (it knows quoting and escapes better
// than any pattern we could write) and checks what we mask in URIs.
#include "uio/db/pg/conninfo.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <optional>
#include <vector>

namespace uio::pg {

namespace {

constexpr std::string_view mask = "***";

using options_ptr = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

// libpq's reading of `text`, or null when it does not parse. libpq's error message may quote
// the text (a password included): it is freed unread.
options_ptr parse(const std::string& text) {
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &message);
    if (message) PQfreemem(message);
    return options_ptr(options, &PQconninfoFree);
}

bool is_secret(const PQconninfoOption& option) {
    return std::string_view(option.keyword) == "password" ||
           (option.dispchar && option.dispchar[0] == '*');
}

// The password libpq reads from `text`, if it parses and names one.
std::optional<std::string> libpq_password(const std::string& text) {
    options_ptr options = parse(text);
    if (!options) return std::nullopt;
    for (PQconninfoOption* option = options.get(); option->keyword; ++option) {
        if (is_secret(*option) && option->val && *option->val) return std::string(option->val);
    }
    return std::nullopt;
}

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

// The settings libpq read, as keyword=value with secrets masked.
std::string keyword_form(const PQconninfoOption* options) {
    std::string out;
    for (const PQconninfoOption* option = options; option->keyword; ++option) {
        if (!option->val) continue;
        if (!out.empty()) out += ' ';
        out += option->keyword;
        out += '=';
        out += is_secret(*option) ? std::string(mask) : quoted(option->val);
    }
    return out;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// True when a URI parameter key means "password" to a reader: percent-decoded, any case. A
// key that does not decode counts too (we cannot tell what it means).
bool names_password(std::string_view key) {
    std::string decoded;
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c == '%') {
            if (i + 2 >= key.size()) return true;
            int high = hex_value(key[i + 1]);
            int low = hex_value(key[i + 2]);
            if (high < 0 || low < 0) return true;
            c = static_cast<char>(high * 16 + low);
            i += 2;
        }
        decoded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return decoded == "password";
}

// `uri` with the user-info password and every password parameter's value masked.
std::string masked_uri(std::string_view uri) {
    std::vector<bool> hidden(uri.size(), false);
    auto hide = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) hidden[i] = true;
    };
    std::size_t start = uri.find("://") + 3;
    // User info: libpq ends it at the first '@' before any '/' ('?' does not end it); the
    // last such '@' covers every reading.
    std::size_t slash = uri.find('/', start);
    std::size_t host_end = slash == std::string_view::npos ? uri.size() : slash;
    std::size_t at = uri.substr(0, host_end).rfind('@');
    if (at != std::string_view::npos && at >= start) {
        std::size_t colon = uri.find(':', start);
        if (colon < at) hide(colon + 1, at);
    }
    // Parameters: any key after '?' or '&', wherever it is, its value up to the next '&'.
    for (std::size_t i = start; i < uri.size(); ++i) {
        if (uri[i] != '?' && uri[i] != '&') continue;
        std::size_t eq = uri.find('=', i + 1);
        if (eq == std::string_view::npos) break;
        std::string_view key = uri.substr(i + 1, eq - i - 1);
        if (key.find_first_of("?&") != std::string_view::npos || !names_password(key)) continue;
        std::size_t end = uri.find('&', eq + 1);
        if (end == std::string_view::npos) end = uri.size();
        hide(eq + 1, end);
        i = end - 1;
    }
    std::string out;
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (!hidden[i]) {
            out += uri[i];
        } else if (i == 0 || !hidden[i - 1]) {
            out += mask;
        }
    }
    return out;
}

}  // namespace

std::string redact_conninfo(std::string_view conninfo) {
    std::string text(conninfo);
    options_ptr options = parse(text);
    if (starts_with_nocase(conninfo, "postgresql://") ||
        starts_with_nocase(conninfo, "postgres://")) {
        std::string masked = masked_uri(conninfo);
        std::optional<std::string> password = libpq_password(text);
        if (!password || libpq_password(masked) != password) return masked;
    }
    if (!options) return "<unparsable connection string>";
    return keyword_form(options.get());
}

}  // namespace uio::pg
