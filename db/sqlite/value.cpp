// The out-of-line failures of value::as<T>: kept here so the header stays free of <sqlite3.h>.
#include "uio/db/sqlite/value.hpp"

#include <sqlite3.h>

#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite {

const char* type_name(value_type type) noexcept {
    switch (type) {
        case value_type::null_value:
            return "NULL";
        case value_type::integer:
            return "INTEGER";
        case value_type::real:
            return "REAL";
        case value_type::text:
            return "TEXT";
        case value_type::blob_value:
            return "BLOB";
    }
    return "?";
}

namespace detail {

void throw_mismatch(value_type actual, const char* wanted) {
    std::string message = std::string("cannot read ") + type_name(actual) + " as " + wanted;
    if (actual == value_type::null_value) message += " (read nullable columns as std::optional)";
    throw error(SQLITE_MISMATCH, std::move(message));
}

void throw_out_of_range(const char* what) {
    throw error(SQLITE_RANGE, what);
}

}  // namespace detail

}  // namespace uio::sqlite
