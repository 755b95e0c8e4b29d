// parse_error: bad input, located the way a user fixes it: `sales.csv:1042:7: unterminated
// quoted field`, followed by an excerpt of the line. Lines and columns count from 1;
// columns count characters (UTF-8 code points), as editors show them. Its kind is data: a
// command line that meets one exits 1 (uio/core/error_kind.hpp).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "uio/core/error_kind.hpp"

namespace uio::formats {

class parse_error : public std::runtime_error, public has_error_kind {
  public:
    parse_error(std::string source, std::uint64_t line, std::uint64_t column, std::string reason,
                std::string excerpt);

    const std::string& source() const noexcept { return source_; }
    std::uint64_t line() const noexcept { return line_; }
    std::uint64_t column() const noexcept { return column_; }
    const std::string& reason() const noexcept { return reason_; }
    // Part of the offending line, with control bytes and invalid UTF-8 escaped.
    const std::string& excerpt() const noexcept { return excerpt_; }
    // "sales.csv:1042:7: unterminated quoted field" without the excerpt.
    std::string location_message() const;
    error_kind kind() const noexcept override { return error_kind::data; }

  private:
    std::string source_;
    std::uint64_t line_;
    std::uint64_t column_;
    std::string reason_;
    std::string excerpt_;
};

// Makes raw bytes printable for an excerpt: \n, \r, \t, \0 and \xHH for other control bytes
// and bytes that are not valid UTF-8.
std::string printable_excerpt(std::string_view bytes);

}  // namespace uio::formats
