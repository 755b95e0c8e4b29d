// An in-memory SQLite connection, for the tests that drive blocking_connection directly.
#pragma once

#include "uio/db/sqlite/blocking_connection.hpp"

namespace sqlite_test {

inline uio::sqlite::blocking_connection open_memory() {
    return uio::sqlite::blocking_connection::open(":memory:", {});
}

}  // namespace sqlite_test
