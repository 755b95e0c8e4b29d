// Building pg::error from what libpq hands us: a failed PGresult's diagnostic fields, or the
// connection's error message when there is no result (broken socket, failed connect).
#include "uio/db/pg/error.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>

namespace uio::pg {

namespace {

std::string what_of(const error::fields& f) {
    std::string text = f.message.empty() ? std::string("PostgreSQL error") : f.message;
    if (!f.sqlstate.empty()) text += " (SQLSTATE " + f.sqlstate + ")";
    if (!f.detail.empty()) text += "; detail: " + f.detail;
    if (!f.hint.empty()) text += "; hint: " + f.hint;
    if (f.copy_line) text += "; COPY line " + std::to_string(*f.copy_line);
    if (f.query_index) text += "; pipeline query #" + std::to_string(*f.query_index);
    return text;
}

std::string error_field(const PGresult* result, int code) {
    const char* value = PQresultErrorField(result, code);
    return value ? std::string(value) : std::string();
}

std::string trimmed(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

error::error(fields f) : std::runtime_error(what_of(f)), fields_(std::move(f)) {}

error_kind error::kind() const noexcept {
    std::string_view state = fields_.sqlstate;
    bool rows_fault = state.starts_with("22") || state.starts_with("23");
    return rows_fault ? error_kind::data : error_kind::database;
}

std::optional<std::int64_t> parse_copy_line(const std::string& context) {
    // The CONTEXT may hold several lines (e.g. a trigger's); the COPY one reads
    // "COPY <table>, line <N>[, column <c>: ...]".
    for (std::size_t at = context.find("COPY "); at != std::string::npos;
         at = context.find("COPY ", at + 1)) {
        std::size_t line = context.find(", line ", at);
        std::size_t end_of_line = context.find('\n', at);
        if (line == std::string::npos || line > end_of_line) continue;
        const char* first = context.data() + line + 7;
        std::int64_t value = 0;
        auto [ptr, ec] = std::from_chars(first, context.data() + context.size(), value);
        if (ec == std::errc() && ptr != first) return value;
    }
    return std::nullopt;
}

namespace detail {

error error_from_result(const PGresult* result) {
    error::fields f;
    f.sqlstate = error_field(result, PG_DIAG_SQLSTATE);
    f.message = error_field(result, PG_DIAG_MESSAGE_PRIMARY);
    if (f.message.empty()) f.message = trimmed(PQresultErrorMessage(result));
    f.detail = error_field(result, PG_DIAG_MESSAGE_DETAIL);
    f.hint = error_field(result, PG_DIAG_MESSAGE_HINT);
    f.context = error_field(result, PG_DIAG_CONTEXT);
    f.copy_line = parse_copy_line(f.context);
    return error(std::move(f));
}

error error_from_connection(const PGconn* conn, const std::string& context) {
    error::fields f;
    std::string message = conn ? trimmed(PQerrorMessage(conn)) : std::string("out of memory");
    if (message.empty()) message = "connection failed";
    f.message = context.empty() ? message : context + ": " + message;
    return error(std::move(f));
}

void throw_connection_error(const PGconn* conn, const std::string& context) {
    throw error_from_connection(conn, context);
}

}  // namespace detail

}  // namespace uio::pg
