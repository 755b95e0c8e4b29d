// sqlite::error: every failure SQLite reports, as a std::system_error whose code is SQLite's
// extended result code (SQLITE_CONSTRAINT_UNIQUE, SQLITE_BUSY_SNAPSHOT...) in
// sqlite::category(), so callers can branch on the precise cause and still catch
// std::system_error like any other I/O error. The message says what SQLite said and, when a
// statement was involved, which SQL. Its kind (uio/core/error_kind.hpp) follows the primary
// code: constraint, type mismatch and too-big values are data; I/O, full disk, cannot open,
// read-only and permission are io; misuse and range (a wrong call) are internal; the rest is
// database.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "uio/core/error_kind.hpp"

struct sqlite3;

namespace uio::sqlite {

const std::error_category& category() noexcept;

// "SQLITE_CONSTRAINT_UNIQUE" for 2067; "SQLITE_<number>" for codes we have no name for.
std::string code_name(int extended_code);

class error : public std::system_error, public has_error_kind {
  public:
    // `message` is SQLite's own (sqlite3_errmsg); `sql` the statement, if any.
    error(int extended_code, std::string message, std::string sql = {});

    int extended_code() const noexcept { return code().value(); }
    int primary_code() const noexcept { return code().value() & 0xff; }
    const std::string& message() const noexcept { return message_; }
    const std::string& sql() const noexcept { return sql_; }
    const char* what() const noexcept override { return what_.c_str(); }
    error_kind kind() const noexcept override;

  private:
    std::string message_;
    std::string sql_;
    std::string what_;
};

namespace detail {
// Throws the error `db` holds for result code `rc` (extended codes are enabled on open).
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view sql = {});
// fetch_value<T> found no row and T is not std::optional.
[[noreturn]] void throw_no_rows(const std::string& sql);
}  // namespace detail

}  // namespace uio::sqlite
