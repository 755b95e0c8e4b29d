// quote_identifier / quote_literal over PQescapeIdentifier / PQescapeLiteral.
#include "uio/db/pg/quote.hpp"

#include <libpq-fe.h>

#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/error.hpp"

namespace uio::pg {

namespace {
template <class Escape>
std::string escaped(const connection& conn, std::string_view text, Escape escape) {
    if (!conn.native()) throw std::logic_error("uio::pg: quoting needs an open connection");
    char* out = escape(conn.native(), text.data(), text.size());
    if (!out) detail::throw_connection_error(conn.native(), "cannot quote");
    std::string result(out);
    PQfreemem(out);
    return result;
}
}  // namespace

std::string quote_identifier(const connection& conn, std::string_view name) {
    return escaped(conn, name, PQescapeIdentifier);
}

std::string quote_literal(const connection& conn, std::string_view value) {
    return escaped(conn, value, PQescapeLiteral);
}

}  // namespace uio::pg
