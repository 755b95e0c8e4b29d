// quote_identifier: the one safe way to put a table or column name into SQL text, since
// names cannot be bound as parameters. Wraps in double quotes and doubles embedded ones, so
// `a"; DROP TABLE t; --` stays one (odd) name.
#pragma once

#include <string>
#include <string_view>

namespace uio::sqlite {

// Throws std::invalid_argument for a name containing a NUL byte (SQLite would cut the SQL
// text there) or an empty name.
std::string quote_identifier(std::string_view name);

}  // namespace uio::sqlite
