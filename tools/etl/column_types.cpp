#include "column_types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<std::int64_t> parse_canonical_integer(std::string_view text) noexcept {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
    if (text == "-0") return std::nullopt;
    if (digits.front() == '+') return std::nullopt;
    return parse_integer(text);
}

std::optional<double> parse_real(std::string_view text) noexcept {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::string format_real(double v) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    (void)ec;
    return std::string(buffer, end);
}

std::optional<double> parse_canonical_real(std::string_view text) noexcept {
    std::optional<double> v;
    if (text.empty() || text.front() == '+') return std::nullopt;
    v = parse_real(text);
    // "nan" and "inf" are their own shortest form, but SQLite stores a NaN as NULL and
    // PostgreSQL writes them back as NaN and Infinity: they stay text.
    if (!v || !std::isfinite(*v)) return std::nullopt;
    // "-0" is the shortest form of -0.0, but a REAL column stores a whole real as an integer
    // and 0 has no sign: it would come back as "0". It stays text.
    if (*v == 0 && std::signbit(*v)) return std::nullopt;
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *v);
    if (ec != std::errc() || std::string_view(buffer, end - buffer) != text) return std::nullopt;
    return v;
}

value_kind natural_kind(std::string_view text) noexcept {
    if (parse_canonical_integer(text)) return value_kind::integer;
    if (parse_canonical_real(text)) return value_kind::real;
    return value_kind::text;
}

bool fits_kind(value_kind column, value_kind value) noexcept {
    switch (column) {
        case value_kind::integer:
            return value == value_kind::integer;
        case value_kind::real:
            return value == value_kind::integer || value == value_kind::real;
        case value_kind::text:
            return value == value_kind::text;
        case value_kind::mixed:
            break;
    }
    return true;
}

void kind_inference::observe(std::optional<std::string_view> value) noexcept {
    if (!value) return;
    seen_ = true;
    if (!integer_ && !real_) return;
    value_kind v = natural_kind(*value);
    if (v != value_kind::integer) integer_ = false;
    if (v == value_kind::text) real_ = false;
}

value_kind kind_inference::kind() const noexcept {
    if (!seen_) return value_kind::text;
    if (integer_) return value_kind::integer;
    if (real_) return value_kind::real;
    return value_kind::text;
}

value_kind kind_from_sqlite_type(std::string_view declared) noexcept {
    std::string t;
    t.reserve(declared.size());
    for (char c : declared) t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (t.find("INT") != std::string::npos) return value_kind::integer;
    if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
        t.find("TEXT") != std::string::npos) {
        return value_kind::text;
    }
    if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
        t.find("DOUB") != std::string::npos) {
        return value_kind::real;
    }
    return value_kind::text;  // NUMERIC/BLOB affinity: we bind text and let SQLite decide
}

value_kind kind_from_pg_type(std::string_view declared) noexcept {
    std::string t = lower(declared);
    if (t == "bigint" || t == "integer" || t == "smallint" || t == "int" || t == "int2" ||
        t == "int4" || t == "int8") {
        return value_kind::integer;
    }
    if (t == "double precision" || t == "real" || t == "float8" || t == "float4") {
        return value_kind::real;
    }
    return value_kind::text;
}

const char* sqlite_type(value_kind k) noexcept {
    switch (k) {
        case value_kind::integer:
            return "INTEGER";
        case value_kind::real:
            return "REAL";
        case value_kind::mixed:
            return "";
        case value_kind::text:
            break;
    }
    return "TEXT";
}

const char* pg_type(value_kind k) noexcept {
    switch (k) {
        case value_kind::integer:
            return "bigint";
        case value_kind::real:
            return "double precision";
        case value_kind::text:
        case value_kind::mixed:
            break;
    }
    return "text";
}

const char* kind_name(value_kind k) noexcept {
    switch (k) {
        case value_kind::integer:
            return "integer";
        case value_kind::real:
            return "real";
        case value_kind::mixed:
            return "mixed";
        case value_kind::text:
            break;
    }
    return "text";
}

std::vector<column_spec> parse_schema(std::string_view text) {
    std::vector<column_spec> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        // A name, optionally "double-quoted" with "" for a quote, then the type up to a comma.
        std::string_view rest = trim(text.substr(at));
        if (rest.empty()) break;
        std::string name;
        std::size_t used = 0;
        if (rest.front() == '"') {
            std::size_t i = 1;
            for (;; ++i) {
                if (i >= rest.size()) throw usage_error("--schema: unterminated quote");
                if (rest[i] == '"') {
                    if (i + 1 < rest.size() && rest[i + 1] == '"') {
                        name += '"';
                        ++i;
                        continue;
                    }
                    break;
                }
                name += rest[i];
            }
            used = i + 1;
        } else {
            while (used < rest.size() && !std::isspace(static_cast<unsigned char>(rest[used])) &&
                   rest[used] != ',') {
                ++used;
            }
            name = std::string(rest.substr(0, used));
        }
        std::size_t comma = std::string_view::npos;
        for (std::size_t i = used, depth = 0; i < rest.size(); ++i) {
            if (rest[i] == '(') ++depth;
            if (rest[i] == ')' && depth > 0) --depth;
            if (rest[i] == ',' && depth == 0) {
                comma = i;
                break;
            }
        }
        std::string_view type = trim(rest.substr(
            used, comma == std::string_view::npos ? std::string_view::npos : comma - used));
        if (name.empty() || type.empty()) {
            throw usage_error("--schema: expected 'column type, ...', got '" +
                              std::string(rest.substr(0, comma)) + "'");
        }
        // The type is pasted into DDL: allow only what type names are made of.
        for (char c : type) {
            if (!std::isalnum(static_cast<unsigned char>(c)) &&
                std::string_view(" _(),.[]").find(c) == std::string_view::npos) {
                throw usage_error("--schema: invalid type '" + std::string(type) + "'");
            }
        }
        column_spec c{std::move(name), kind_from_sqlite_type(type), std::string(type)};
        if (c.kind == value_kind::text) c.kind = kind_from_pg_type(type);
        out.push_back(std::move(c));
        if (comma == std::string_view::npos) break;
        at = static_cast<std::size_t>(rest.data() - text.data()) + comma + 1;
    }
    if (out.empty()) throw usage_error("--schema: no columns");
    return out;
}

}  // namespace uio::etl
