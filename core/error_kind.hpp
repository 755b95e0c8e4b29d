// error_kind: what a failure was, in the terms a command line reports it — the command line
// itself (usage), the input (data), the file system or the kernel (io), a database server or
// file (database), or a bug in uio (internal). Exceptions carry their kind (has_error_kind),
// kind_of() classifies any exception, and every CLI exits with exit_code(kind_of(e)), so the
// same mistake exits the same way in every tool. An exception's C++ type alone never decides
// it: std::invalid_argument from a library means a caller passed something it must not, which
// is uio's bug unless the CLI checked the user's input first and said so as a usage error.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace uio {

enum class error_kind {
    usage,     // the command line asks for something impossible or malformed
    data,      // the input is bad: a message names file:line:column (or the row)
    io,        // a file, the kernel or a resource failed (errno text in the message)
    database,  // PostgreSQL or SQLite refused or failed (connection, missing table...)
    internal,  // a bug: a precondition broken inside uio
};

// "usage", "data", "io", "database", "internal".
std::string_view name(error_kind kind) noexcept;

// The exit status for a failure of `kind`: usage 2; data, io and database 1 (the operation
// failed, the message says where); internal 70 (EX_SOFTWARE of sysexits.h). Success is 0.
constexpr int exit_code(error_kind kind) noexcept {
    switch (kind) {
        case error_kind::usage:
            return 2;
        case error_kind::data:
        case error_kind::io:
        case error_kind::database:
            return 1;
        case error_kind::internal:
            break;
    }
    return 70;
}

// Mixed into exception types that know what kind of failure they are (formats::parse_error,
// pg::error, sqlite::error); not an exception by itself.
class has_error_kind {
  public:
    virtual error_kind kind() const noexcept = 0;

  protected:
    has_error_kind() = default;
    has_error_kind(const has_error_kind&) = default;
    has_error_kind& operator=(const has_error_kind&) = default;
    ~has_error_kind() = default;
};

// A failure of a given kind, for code with no richer exception type.
class failure : public std::runtime_error, public has_error_kind {
  public:
    failure(error_kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    error_kind kind() const noexcept override { return kind_; }

  private:
    error_kind kind_;
};

struct usage_error : failure {
    explicit usage_error(const std::string& what) : failure(error_kind::usage, what) {}
};

struct data_error : failure {
    explicit data_error(const std::string& what) : failure(error_kind::data, what) {}
};

struct database_error : failure {
    explicit database_error(const std::string& what) : failure(error_kind::database, what) {}
};

// The kind of any exception: its own when it has one (has_error_kind); io for a
// std::system_error (errno, io_uring, timeouts, cancellation); internal for everything else
// (std::logic_error, std::bad_alloc, a plain std::runtime_error, a non-std exception).
error_kind kind_of(const std::exception& error) noexcept;
error_kind kind_of(const std::exception_ptr& error) noexcept;

// The line a command prints for `error`: "PROGRAM: what", or for an internal error
// "PROGRAM: internal error: what", so a bug is not mistaken for something to fix in the input.
std::string failure_message(std::string_view program, const std::exception& error);

}  // namespace uio
