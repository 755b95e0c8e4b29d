// sqlite::error's kind follows SQLite's primary result code (see uio/db/sqlite/error.hpp).
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "uio/db/sqlite/error.hpp"

using uio::error_kind;
using uio::sqlite::error;

TEST_CASE("sqlite errors are data, io, internal or database by their result code") {
    CHECK(uio::kind_of(error(SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed")) ==
          error_kind::data);
    CHECK(uio::kind_of(error(SQLITE_MISMATCH, "datatype mismatch")) == error_kind::data);
    CHECK(uio::kind_of(error(SQLITE_FULL, "database or disk is full")) == error_kind::io);
    CHECK(uio::kind_of(error(SQLITE_CANTOPEN, "unable to open")) == error_kind::io);
    CHECK(uio::kind_of(error(SQLITE_MISUSE, "bad call")) == error_kind::internal);
    CHECK(uio::kind_of(error(SQLITE_ERROR, "no such table: t", "SELECT 1 FROM t")) ==
          error_kind::database);
    CHECK(uio::kind_of(error(SQLITE_BUSY, "database is locked")) == error_kind::database);
}
