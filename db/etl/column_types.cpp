#include "uio/db/etl/detail/column_types.hpp"

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

bool all_digits(std::string_view s) noexcept {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `s` as a number of exactly its length in digits, if it is one within [low, high].
bool digits_within(std::string_view s, int low, int high) noexcept {
    if (!all_digits(s)) return false;
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v >= low && v <= high;
}

bool plain_decimal(std::string_view text) noexcept {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    std::size_t point = digits.find('.');
    std::string_view whole = digits.substr(0, point);
    std::string_view fraction =
        point == std::string_view::npos ? std::string_view() : digits.substr(point + 1);
    if (!all_digits(whole) || (whole.size() > 1 && whole.front() == '0')) return false;
    if (point != std::string_view::npos && !all_digits(fraction)) return false;
    // numeric's limits: 131072 digits before the point, 16383 after.
    if (whole.size() > 131072 || fraction.size() > 16383) return false;
    // numeric has no negative zero: "-0.00" prints "0.00".
    if (digits.size() != text.size() && digits.find_first_not_of("0.") == std::string_view::npos) {
        return false;
    }
    return true;
}

// YYYY-MM-DD, a day that exists, in years 0001-9999 (PostgreSQL pads years to 4 digits).
bool iso_date(std::string_view s) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    int year = 0, month = 0, day = 0;
    if (!digits_within(s.substr(0, 4), 1, 9999) || !digits_within(s.substr(5, 2), 1, 12) ||
        !digits_within(s.substr(8, 2), 1, 31)) {
        return false;
    }
    std::from_chars(s.data(), s.data() + 4, year);
    std::from_chars(s.data() + 5, s.data() + 7, month);
    std::from_chars(s.data() + 8, s.data() + 10, day);
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

// date<separator>HH:MM:SS[.ffffff]: hours 00-23 and seconds 00-59 (PostgreSQL takes 24:00:00
// and :60 but prints them as the next day or minute), a fraction without trailing zeros.
bool iso_timestamp(std::string_view s, char separator) noexcept {
    if (s.size() < 19 || !iso_date(s.substr(0, 10)) || s[10] != separator || s[13] != ':' ||
        s[16] != ':') {
        return false;
    }
    if (!digits_within(s.substr(11, 2), 0, 23) || !digits_within(s.substr(14, 2), 0, 59) ||
        !digits_within(s.substr(17, 2), 0, 59)) {
        return false;
    }
    std::string_view fraction = s.substr(19);
    if (fraction.empty()) return true;
    return fraction.size() >= 2 && fraction.size() <= 7 && fraction.front() == '.' &&
           all_digits(fraction.substr(1)) && fraction.back() != '0';
}

bool ends_with(std::string_view s, std::string_view end) noexcept {
    return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

// kind_inference's candidates, in the order it prefers them.
constexpr value_kind inferable[] = {value_kind::integer,    value_kind::real, value_kind::decimal,
                                    value_kind::boolean,    value_kind::date, value_kind::timestamp,
                                    value_kind::timestamptz};

}  // namespace

bool postgres_text_form(value_kind kind, std::string_view text, text_form form) noexcept {
    const bool json = form == text_form::json;
    switch (kind) {
        case value_kind::decimal:
            return plain_decimal(text);
        case value_kind::boolean:
            return !json && (text == "t" || text == "f");
        case value_kind::date:
            return iso_date(text);
        case value_kind::timestamp:
            return iso_timestamp(text, json ? 'T' : ' ');
        case value_kind::timestamptz: {
            std::string_view zone = json ? "+00:00" : "+00";
            return ends_with(text, zone) &&
                   iso_timestamp(text.substr(0, text.size() - zone.size()), json ? 'T' : ' ');
        }
        case value_kind::integer:
        case value_kind::real:
        case value_kind::text:
        case value_kind::mixed:
            break;
    }
    return false;
}

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

namespace {

// PostgreSQL's text for `v` into `out` (room for 32 bytes); returns its length.
std::size_t postgres_real_chars(double v, char* out) noexcept {
    // PostgreSQL (12 and later, extra_float_digits >= 1) prints the shortest digits that read
    // back as the same double, as Ryu does (src/common/d2s.c): in fixed notation when the
    // decimal exponent is in [-4, 15), else as d[.ddd]e±XX (at least two exponent digits).
    // The shortest digits are std::to_chars's; only the layout differs.
    char sci[40];
    auto [sci_end, ec] = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
    (void)ec;
    const char* p = sci;
    std::size_t n = 0;
    if (*p == '-') {
        out[n++] = '-';
        ++p;
    }
    char digits[24];
    int count = 0;
    for (; p < sci_end && *p != 'e'; ++p) {
        if (*p != '.') digits[count++] = *p;
    }
    int exponent = 0;
    ++p;  // 'e'
    if (p < sci_end && *p == '+') ++p;
    std::from_chars(p, sci_end, exponent);
    if (exponent >= -4 && exponent < 15) {
        if (exponent < 0) {
            out[n++] = '0';
            out[n++] = '.';
            for (int z = 0; z < -exponent - 1; ++z) out[n++] = '0';
            for (int d = 0; d < count; ++d) out[n++] = digits[d];
        } else {
            for (int d = 0; d < std::max(count, exponent + 1); ++d) {
                if (d == exponent + 1) out[n++] = '.';
                out[n++] = d < count ? digits[d] : '0';
            }
        }
        return n;
    }
    out[n++] = digits[0];
    if (count > 1) out[n++] = '.';
    for (int d = 1; d < count; ++d) out[n++] = digits[d];
    out[n++] = 'e';
    out[n++] = exponent < 0 ? '-' : '+';
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out[n++] = '0';
    auto [end, ec2] = std::to_chars(out + n, out + 32, magnitude);
    (void)ec2;
    return static_cast<std::size_t>(end - out);
}

// `text`, a double's shortest digits in fixed notation (to_chars said so), is what PostgreSQL
// prints too: it does when the decimal exponent is in [-4, 15). Saves a second to_chars.
bool fixed_real_layout(std::string_view text) noexcept {
    std::string_view digits = !text.empty() && text.front() == '-' ? text.substr(1) : text;
    if (digits.empty()) return false;
    std::size_t point = digits.find('.');
    std::size_t whole = point == std::string_view::npos ? digits.size() : point;
    if (digits.front() != '0') return whole <= 15;
    std::size_t first = digits.find_first_not_of("0.");
    return first == std::string_view::npos || first <= 5;  // 0; 0.0001: exponent -4
}

}  // namespace

std::string postgres_real_text(double v) {
    char out[32];
    return std::string(out, postgres_real_chars(v, out));
}

bool real_text_form(std::string_view text) noexcept {
    // Cheap refusals first: this runs for every value of a real column.
    if (text.empty() || text.size() > 30) return false;
    std::optional<double> v = parse_canonical_real(text);
    if (!v) return false;
    if (text.find('e') == std::string_view::npos) return fixed_real_layout(text);
    char out[32];
    return std::string_view(out, postgres_real_chars(*v, out)) == text;
}

bool value_fits(value_kind column, std::string_view text) noexcept {
    switch (column) {
        case value_kind::integer:
            return parse_canonical_integer(text).has_value();
        case value_kind::real:
            return real_text_form(text);
        case value_kind::decimal:
        case value_kind::boolean:
        case value_kind::date:
        case value_kind::timestamp:
        case value_kind::timestamptz:
            return postgres_text_form(column, text, text_form::copy);
        case value_kind::text:
        case value_kind::mixed:
            break;
    }
    return true;
}

bool natural_fits(value_kind column, value_kind natural, std::string_view text) noexcept {
    switch (column) {
        case value_kind::integer:
            return natural == value_kind::integer;
        case value_kind::real:
            // A canonical real: only the layout is left to check (cheap without an 'e').
            if (natural == value_kind::real && text.find('e') == std::string_view::npos) {
                return fixed_real_layout(text);
            }
            return natural != value_kind::text && real_text_form(text);
        default:
            break;
    }
    return value_fits(column, text);
}

value_kind widened_kind(value_kind column, std::string_view text) noexcept {
    // An exact integer never becomes a float: integer → numeric when the value is a plain
    // decimal (the integers already read print back the same as numeric).
    if (column == value_kind::integer &&
        postgres_text_form(value_kind::decimal, text, text_form::copy)) {
        return value_kind::decimal;
    }
    return value_kind::text;
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
    switch (sqlite_storage(column)) {
        case value_kind::integer:
            return value == value_kind::integer;
        case value_kind::real:
            return value == value_kind::integer || value == value_kind::real;
        case value_kind::text:
            return value == value_kind::text;
        default:
            break;
    }
    return true;
}

void kind_inference::observe(std::optional<std::string_view> value) noexcept {
    if (!value) return;
    seen_ = true;
    for (int i = 0; i < candidates; ++i) {
        if (!possible_[i]) continue;
        possible_[i] = value_fits(inferable[i], *value);
    }
}

value_kind kind_inference::kind() const noexcept {
    if (!seen_) return value_kind::text;
    for (int i = 0; i < candidates; ++i) {
        if (possible_[i]) return inferable[i];
    }
    return value_kind::text;
}

value_kind sqlite_storage(value_kind k) noexcept {
    switch (k) {
        case value_kind::integer:
        case value_kind::real:
        case value_kind::mixed:
            return k;
        default:
            break;
    }
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
    switch (sqlite_storage(k)) {
        case value_kind::integer:
            return "INTEGER";
        case value_kind::real:
            return "REAL";
        case value_kind::mixed:
            return "";
        default:
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
        case value_kind::decimal:
            return "numeric";
        case value_kind::boolean:
            return "boolean";
        case value_kind::date:
            return "date";
        case value_kind::timestamp:
            return "timestamp";
        case value_kind::timestamptz:
            return "timestamptz";
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
        case value_kind::decimal:
            return "decimal";
        case value_kind::boolean:
            return "boolean";
        case value_kind::date:
            return "date";
        case value_kind::timestamp:
            return "timestamp";
        case value_kind::timestamptz:
            return "timestamptz";
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
