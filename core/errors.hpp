// The two errors every awaitable may raise: cancelled (a stop was requested) and timed out.
// Both are std::system_error so callers can test `e.code()` like any other I/O error.
#pragma once

#include <exception>
#include <string>
#include <system_error>

namespace uio {

[[noreturn]] inline void throw_cancelled(const char* what = "operation cancelled") {
    throw std::system_error(std::make_error_code(std::errc::operation_canceled), what);
}

[[noreturn]] inline void throw_timed_out(const char* what = "operation timed out") {
    throw std::system_error(std::make_error_code(std::errc::timed_out), what);
}

// True when `error` holds a std::system_error for a cancellation.
bool is_cancellation(const std::exception_ptr& error) noexcept;

// Builds a std::system_error from a negative errno result, with context such as
// "read 'data/a.bin'"; the message reads "read 'data/a.bin': No such file or directory".
[[noreturn]] void throw_errno(int error_number, const std::string& context);

}  // namespace uio
