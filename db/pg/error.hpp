// pg::error: a failure PostgreSQL or libpq reported, as one exception type callers can catch
// and branch on: the SQLSTATE ("42601", "57014"...), the server's primary message, detail and
// hint, and for COPY FROM the input line the server choked on. Connection-level failures
// (unreachable server, broken socket) have an empty SQLSTATE unless the server sent one.
// Messages never contain a password: connection strings go through redact_conninfo first.
// Its kind (uio/core/error_kind.hpp) is data for SQLSTATE classes 22 (data exception) and 23
// (integrity constraint violation), the rows' fault; database for everything else.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "uio/core/error_kind.hpp"

extern "C" {
struct pg_conn;
struct pg_result;
}

namespace uio::pg {

class error : public std::runtime_error, public has_error_kind {
  public:
    struct fields {
        std::string sqlstate;
        std::string message;
        std::string detail;
        std::string hint;
        std::string context;
        std::optional<std::int64_t> copy_line;
        std::optional<std::size_t> query_index;  // position in a pipeline
    };
    explicit error(fields f);

    const std::string& sqlstate() const noexcept { return fields_.sqlstate; }
    const std::string& message() const noexcept { return fields_.message; }
    const std::string& detail() const noexcept { return fields_.detail; }
    const std::string& hint() const noexcept { return fields_.hint; }
    const std::string& context() const noexcept { return fields_.context; }
    // COPY FROM STDIN: the line of our input that failed (the server's "COPY t, line N").
    std::optional<std::int64_t> copy_line() const noexcept { return fields_.copy_line; }
    // Pipelines: which query (0-based, in send order) this error belongs to.
    std::optional<std::size_t> query_index() const noexcept { return fields_.query_index; }
    const fields& all_fields() const noexcept { return fields_; }
    error_kind kind() const noexcept override;

  private:
    fields fields_;
};

// A pipelined query that never ran because an earlier query of the same batch failed
// (PGRES_PIPELINE_ABORTED). query_index() names this query; the message names the culprit.
class pipeline_aborted : public error {
  public:
    using error::error;
};

// The "line N" of a COPY CONTEXT field such as "COPY t, line 3, column b: ...".
std::optional<std::int64_t> parse_copy_line(const std::string& context);

namespace detail {
// The error a failed PGresult carries (SQLSTATE, fields, COPY line).
error error_from_result(const pg_result* result);
// libpq's current error message on `conn`, prefixed by `context` ("connect to ...").
error error_from_connection(const pg_conn* conn, const std::string& context);
[[noreturn]] void throw_connection_error(const pg_conn* conn, const std::string& context);
}  // namespace detail

}  // namespace uio::pg
