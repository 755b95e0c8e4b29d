// The out-of-line half of result.hpp: the libpq calls and the text parsers behind as<T>().
#include "uio/db/pg/result.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

#include "uio/db/pg/error.hpp"

namespace uio::pg {

namespace detail {

void result_deleter::operator()(pg_result* r) const noexcept {
    PQclear(r);
}

result_ptr adopt(pg_result* r) {
    return result_ptr(r, result_deleter{});
}

const char* value_at(const pg_result* r, int row, int column, int* length, bool* is_null) {
    if (PQgetisnull(r, row, column)) {
        *is_null = true;
        *length = 0;
        return "";
    }
    *is_null = false;
    *length = PQgetlength(r, row, column);
    return PQgetvalue(r, row, column);
}

void throw_conversion(const pg_result* r, int column, std::string_view text, const char* type) {
    error::fields f;
    const char* name = PQfname(r, column);
    f.message = std::string("column ") + (name ? name : "?") + ": '" +
                std::string(text.substr(0, 64)) + "' is not a valid " + type;
    throw error(std::move(f));
}

void throw_null(const pg_result* r, int column) {
    error::fields f;
    const char* name = PQfname(r, column);
    f.message =
        std::string("column ") + (name ? name : "?") + " is NULL; read it as std::optional<T>";
    throw error(std::move(f));
}

bool parse_bool(std::string_view text, bool* out) {
    if (text == "t" || text == "true") {
        *out = true;
    } else if (text == "f" || text == "false") {
        *out = false;
    } else {
        return false;
    }
    return true;
}

bool parse_double(std::string_view text, double* out) {
    if (text == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (text == "Infinity" || text == "-Infinity") {
        *out = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
        return true;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parse_int(std::string_view text, std::int64_t* out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace detail

field row::operator[](std::string_view column_name) const {
    std::string name(column_name);
    int column = PQfnumber(r_, name.c_str());
    if (column < 0) {
        error::fields f;
        f.message = "no column named '" + name + "' in the result";
        throw error(std::move(f));
    }
    return field(r_, index_, column);
}

int row::size() const noexcept {
    return PQnfields(r_);
}

int result::rows() const noexcept {
    return r_ ? PQntuples(r_.get()) : 0;
}

int result::columns() const noexcept {
    return r_ ? PQnfields(r_.get()) : 0;
}

std::string result::column_name(int column) const {
    const char* name = r_ ? PQfname(r_.get(), column) : nullptr;
    return name ? name : "";
}

std::int64_t result::affected_rows() const noexcept {
    if (!r_) return 0;
    const char* text = PQcmdTuples(r_.get());
    std::int64_t n = 0;
    detail::parse_int(text ? std::string_view(text) : std::string_view(), &n);
    return n;
}

std::string result::command_tag() const {
    const char* tag = r_ ? PQcmdStatus(r_.get()) : nullptr;
    return tag ? tag : "";
}

}  // namespace uio::pg
