// Quoting names and values into SQL text, for what cannot be a bound parameter (table and
// channel names in DDL, COPY, LISTEN). Uses libpq's escaping, which knows the connection's
// encoding: "we""ird; drop table x" stays one identifier.
#pragma once

#include <string>
#include <string_view>

namespace uio::pg {

class connection;

// "name" with embedded quotes doubled; throws pg::error on invalid encoding.
std::string quote_identifier(const connection& conn, std::string_view name);
// 'value' with quotes (and backslashes, as E'...') escaped.
std::string quote_literal(const connection& conn, std::string_view value);

}  // namespace uio::pg
