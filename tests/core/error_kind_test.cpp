// error_kind: how any exception is classified, and the one kind -> exit code mapping the CLIs
// share (the per-type kinds of parse_error, pg::error and sqlite::error are tested with them).
#include <catch2/catch.hpp>
#include <new>
#include <stdexcept>
#include <system_error>

#include "uio/core/error_kind.hpp"

using uio::error_kind;

TEST_CASE("error kinds map to the documented exit codes") {
    CHECK(uio::exit_code(error_kind::usage) == 2);
    CHECK(uio::exit_code(error_kind::data) == 1);
    CHECK(uio::exit_code(error_kind::io) == 1);
    CHECK(uio::exit_code(error_kind::database) == 1);
    CHECK(uio::exit_code(error_kind::internal) == 70);
    static_assert(uio::exit_code(error_kind::usage) == 2, "usable in constant expressions");
}

TEST_CASE("kind_of: an exception's own kind, io for system errors, internal for the rest") {
    CHECK(uio::kind_of(uio::usage_error("--mode")) == error_kind::usage);
    CHECK(uio::kind_of(uio::data_error("a.csv:3: bad")) == error_kind::data);
    CHECK(uio::kind_of(uio::database_error("no table")) == error_kind::database);
    CHECK(uio::kind_of(uio::failure(error_kind::io, "x")) == error_kind::io);
    CHECK(uio::kind_of(std::system_error(std::make_error_code(std::errc::no_space_on_device),
                                         "write")) == error_kind::io);
    // No C++ type decides what the user did wrong: a library's invalid_argument is a bug.
    CHECK(uio::kind_of(std::invalid_argument("an SQL identifier cannot be empty")) ==
          error_kind::internal);
    CHECK(uio::kind_of(std::runtime_error("x")) == error_kind::internal);
    CHECK(uio::kind_of(std::bad_alloc()) == error_kind::internal);
    CHECK(uio::kind_of(std::make_exception_ptr(uio::data_error("x"))) == error_kind::data);
    CHECK(uio::kind_of(std::make_exception_ptr(42)) == error_kind::internal);
    CHECK(uio::kind_of(std::exception_ptr()) == error_kind::internal);
}

TEST_CASE("failure_message names a bug as one") {
    CHECK(uio::failure_message("ucopy", uio::data_error("a.csv:1:4: empty")) ==
          "ucopy: a.csv:1:4: empty");
    CHECK(uio::failure_message("ucopy", std::logic_error("broken")) ==
          "ucopy: internal error: broken");
}
