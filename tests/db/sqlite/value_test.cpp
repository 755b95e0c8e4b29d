// sqlite::value on its own: strict typed reads (and the errors that name both types),
// range-checked integers, NULL versus empty, and how C++ arguments become parameters.
// database_test.cpp covers the same values round tripping through SQLite.
#include "uio/db/sqlite/value.hpp"

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "test_support.hpp"
#include "uio/db/sqlite/error.hpp"

namespace sqlite = uio::sqlite;
using sqlite::value;
using sqlite::value_type;
using namespace std::string_literals;

namespace {

// The extended code and message of what `read` throws, or {0, ""}.
template <class Fn>
std::pair<int, std::string> failure_of(Fn read) {
    try {
        read();
    } catch (const sqlite::error& e) {
        return {e.extended_code(), e.what()};
    }
    return {0, ""};
}

}  // namespace

TEST_CASE("each value has its SQLite type, and type_name names it") {
    CHECK(value().type() == value_type::null_value);
    CHECK(value(sqlite::null).is_null());
    CHECK(value(42).type() == value_type::integer);
    CHECK(value(std::int8_t{-1}).type() == value_type::integer);
    CHECK(value(0.5).type() == value_type::real);
    CHECK(value("x"s).type() == value_type::text);
    CHECK(value(sqlite::blob{}).type() == value_type::blob_value);
    CHECK(std::string(sqlite::type_name(value_type::null_value)) == "NULL");
    CHECK(std::string(sqlite::type_name(value_type::integer)) == "INTEGER");
    CHECK(std::string(sqlite::type_name(value_type::real)) == "REAL");
    CHECK(std::string(sqlite::type_name(value_type::text)) == "TEXT");
    CHECK(std::string(sqlite::type_name(value_type::blob_value)) == "BLOB");
}

TEST_CASE("NULL, the empty string and the empty blob are three different values") {
    CHECK(value() != value(std::string()));
    CHECK(value() != value(sqlite::blob{}));
    CHECK(value(std::string()) != value(sqlite::blob{}));
    CHECK(value(1) != value(1.0));  // INTEGER 1 and REAL 1 differ as values
    CHECK(value("a\0b"s) != value("a"s));
    CHECK(value("a\0b"s).as<std::string>().size() == 3);
    CHECK(value(std::string()).as<std::optional<std::string>>() == std::optional<std::string>(""));
    CHECK(value().as<std::optional<std::string>>() == std::nullopt);
}

TEST_CASE("typed reads: what each type reads as") {
    const value big(std::numeric_limits<std::int64_t>::max());
    CHECK(big.as<std::int64_t>() == std::numeric_limits<std::int64_t>::max());
    CHECK(value(-5).as<int>() == -5);
    CHECK(value(255).as<std::uint8_t>() == 255);
    CHECK(value(2).as<bool>());
    CHECK_FALSE(value(0).as<bool>());
    CHECK(value(3).as<double>() == 3.0);  // a REAL read accepts an INTEGER
    CHECK(value(0.25).as<double>() == 0.25);
    CHECK(value(0.25).as<float>() == 0.25f);
    CHECK(value("text"s).as<std::string_view>() == "text");
    const sqlite::blob bytes = {std::byte{0}, std::byte{0xff}};
    const value b(bytes);
    CHECK(b.as<sqlite::blob>() == bytes);
    std::span<const std::byte> view = b.as<std::span<const std::byte>>();
    CHECK(view.size() == 2);
    CHECK(view[1] == std::byte{0xff});
    CHECK(value(7).as<std::optional<int>>() == 7);
    CHECK(value().as<std::optional<int>>() == std::nullopt);
    CHECK(value().as<std::optional<double>>() == std::nullopt);
    CHECK(value().as<std::optional<sqlite::blob>>() == std::nullopt);
}

TEST_CASE("strict reads throw SQLITE_MISMATCH naming both types, and NULL points at optional") {
    auto [code, message] = failure_of([] { (void)value().as<std::int64_t>(); });
    CHECK(code == SQLITE_MISMATCH);
    CHECK_THAT(message, Catch::Contains("cannot read NULL as INTEGER") &&
                            Catch::Contains("read nullable columns as std::optional"));

    std::tie(code, message) = failure_of([] { (void)value("12"s).as<int>(); });
    CHECK(code == SQLITE_MISMATCH);  // text that looks like a number is still text
    CHECK_THAT(message, Catch::Contains("cannot read TEXT as INTEGER"));
    CHECK_THAT(message, !Catch::Contains("std::optional"));

    std::tie(code, message) = failure_of([] { (void)value(1.0).as<std::int64_t>(); });
    CHECK(code == SQLITE_MISMATCH);  // no silent truncation of REALs
    CHECK_THAT(message, Catch::Contains("cannot read REAL as INTEGER"));

    std::tie(code, message) = failure_of([] { (void)value("1.5"s).as<double>(); });
    CHECK_THAT(message, Catch::Contains("cannot read TEXT as REAL"));
    std::tie(code, message) = failure_of([] { (void)value(1).as<std::string>(); });
    CHECK_THAT(message, Catch::Contains("cannot read INTEGER as TEXT"));
    std::tie(code, message) = failure_of([] { (void)value("b"s).as<sqlite::blob>(); });
    CHECK_THAT(message, Catch::Contains("cannot read TEXT as BLOB"));
    std::tie(code, message) = failure_of([] { (void)value(sqlite::blob{}).as<std::string>(); });
    CHECK_THAT(message, Catch::Contains("cannot read BLOB as TEXT"));
    std::tie(code, message) = failure_of([] { (void)value().as<bool>(); });
    CHECK(code == SQLITE_MISMATCH);
    // An optional read still insists on the type of a non-NULL value.
    std::tie(code, message) = failure_of([] { (void)value("x"s).as<std::optional<int>>(); });
    CHECK(code == SQLITE_MISMATCH);
}

TEST_CASE("an integer read into a narrower type is range-checked, not wrapped") {
    CHECK(value(127).as<std::int8_t>() == 127);
    CHECK(value(-128).as<std::int8_t>() == -128);
    auto [code, message] = failure_of([] { (void)value(128).as<std::int8_t>(); });
    CHECK(code == SQLITE_RANGE);
    CHECK_THAT(message, Catch::Contains("does not fit"));
    std::tie(code, message) = failure_of([] { (void)value(-1).as<unsigned>(); });
    CHECK(code == SQLITE_RANGE);
    std::tie(code, message) =
        failure_of([] { (void)value(std::int64_t{1} << 40).as<std::int32_t>(); });
    CHECK(code == SQLITE_RANGE);
    CHECK(value(std::numeric_limits<std::int64_t>::max()).as<std::uint64_t>() ==
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
}

TEST_CASE("to_value: how C++ arguments become parameters") {
    using sqlite::to_value;
    CHECK(to_value(sqlite::null).is_null());
    CHECK(to_value(std::nullopt).is_null());
    CHECK(to_value(nullptr).is_null());
    CHECK(to_value(std::optional<int>()).is_null());
    CHECK(to_value(std::optional<int>(3)) == value(3));
    CHECK(to_value(true) == value(1));
    CHECK(to_value(false) == value(0));
    CHECK(to_value('A') == value(65));
    CHECK(to_value(std::uint16_t{65535}) == value(65535));
    CHECK(to_value(0.5f) == value(0.5));
    CHECK(to_value("lit") == value("lit"s));
    CHECK(to_value(std::string_view("view")) == value("view"s));
    const char* pointer = "ptr";
    CHECK(to_value(pointer) == value("ptr"s));
    const std::array<std::byte, 2> raw = {std::byte{1}, std::byte{2}};
    CHECK(to_value(std::span<const std::byte>(raw)) == value(sqlite::blob{raw.begin(), raw.end()}));
    CHECK(to_value(sqlite::blob{std::byte{9}}).type() == value_type::blob_value);
    const value v(1.5);
    CHECK(to_value(v) == v);
}

TEST_CASE("to_value: an unsigned above INT64_MAX throws instead of turning negative") {
    const std::uint64_t top = std::numeric_limits<std::int64_t>::max();
    CHECK(sqlite::to_value(top) == value(std::numeric_limits<std::int64_t>::max()));
    auto [code, message] = failure_of([&] { (void)sqlite::to_value(top + 1); });
    CHECK(code == SQLITE_RANGE);
    CHECK_THAT(message, Catch::Contains("INT64_MAX"));
    std::tie(code, message) =
        failure_of([] { (void)sqlite::to_value(std::numeric_limits<std::uint64_t>::max()); });
    CHECK(code == SQLITE_RANGE);
    CHECK(sqlite::to_value(std::numeric_limits<std::uint32_t>::max()) ==
          value(std::int64_t{4294967295}));
}

TEST_CASE("make_params packs arguments in order") {
    std::optional<double> none;
    auto params = sqlite::make_params(1, "two", none, 4.5, sqlite::null, true);
    REQUIRE(params.size() == 6);
    CHECK(params[0] == value(1));
    CHECK(params[1] == value("two"s));
    CHECK(params[2].is_null());
    CHECK(params[3] == value(4.5));
    CHECK(params[4].is_null());
    CHECK(params[5] == value(1));
    CHECK(sqlite::make_params().empty());
}
