// The inference rules of column_types: which sampled values give which kind, and the value
// forms taken as PostgreSQL prints them (the README's table, "ucopy: copying tables"). The
// round trips through the databases are in column_types_roundtrip_test.cpp.
#include "uio/db/etl/detail/column_types.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

using uio::etl::kind_inference;
using uio::etl::postgres_text_form;
using uio::etl::text_form;
using uio::etl::value_kind;

namespace {

value_kind infer(std::initializer_list<std::optional<std::string_view>> values) {
    kind_inference k;
    for (auto v : values) k.observe(v);
    return k.kind();
}

bool copy_form(value_kind k, std::string_view text) {
    return postgres_text_form(k, text, text_form::copy);
}

}  // namespace

TEST_CASE("integers: canonical and 64-bit only, so leading zeros stay text") {
    CHECK(infer({"1", "-7", "9223372036854775807"}) == value_kind::integer);
    CHECK(infer({"02134", "10001"}) == value_kind::text);  // ZIP codes
    CHECK(infer({"+7"}) == value_kind::text);
    // Past 64 bits: numeric keeps every digit, also 2^63, which a double holds but
    // PostgreSQL prints as 9.223372036854776e+18.
    CHECK(infer({"1", "9223372036854775809"}) == value_kind::decimal);
    CHECK(infer({"1", "9223372036854775808"}) == value_kind::decimal);
    CHECK(infer({"-0"}) == value_kind::text);  // a REAL column in SQLite gives back "0"
    CHECK(infer({"12345678901234567890123"}) == value_kind::decimal);
}

TEST_CASE("reals: the shortest double form only; a fixed scale is an exact decimal") {
    CHECK(infer({"1.5", "2.25", "3", "-2.5e-07", "1e+15"}) == value_kind::real);
    CHECK(infer({"0.30000000000000004"}) == value_kind::real);
    CHECK(infer({"1.50"}) == value_kind::decimal);
    CHECK(infer({"1.5", "2.50", "3"}) == value_kind::decimal);
    CHECK(infer({"19.99", "5.00", "-0.01"}) == value_kind::decimal);
    // A decimal and an exponent: neither numeric (it prints 1e+15 in full) nor a double.
    CHECK(infer({"1.50", "1e+15"}) == value_kind::text);
    CHECK(infer({"1.5", "nan"}) == value_kind::text);
    CHECK(infer({"inf"}) == value_kind::text);
}

TEST_CASE("decimal form: what numeric prints back") {
    for (std::string_view ok : {"0", "0.0", "1.50", "-0.5", "12", "100.000", "-12.3400"}) {
        INFO(ok);
        CHECK(copy_form(value_kind::decimal, ok));
    }
    // "-0.00" prints 0.00, "01.5" 1.5, ".5" 0.5, "5." 5, "1e3" 1000, "+1" 1.
    for (std::string_view bad : {"-0", "-0.00", "01.5", ".5", "5.", "1e3", "+1", "", "-", "1.2.3",
                                 " 1", "NaN", "Infinity", "1,5"}) {
        INFO(bad);
        CHECK_FALSE(copy_form(value_kind::decimal, bad));
    }
}

TEST_CASE("booleans: t and f, as COPY prints them") {
    CHECK(infer({"t", "f", std::nullopt, "t"}) == value_kind::boolean);
    // true/false would come back as t/f: text.
    CHECK(infer({"true", "false"}) == value_kind::text);
    CHECK(infer({"t", "true"}) == value_kind::text);
    CHECK(infer({"T"}) == value_kind::text);
    // 0 and 1 are integers first.
    CHECK(infer({"0", "1"}) == value_kind::integer);
    CHECK_FALSE(postgres_text_form(value_kind::boolean, "t", text_form::json));
}

TEST_CASE("dates: YYYY-MM-DD, days that exist") {
    CHECK(infer({"2024-03-10", "1999-12-31", "0001-01-01", "9999-12-31"}) == value_kind::date);
    CHECK(infer({"2024-02-29"}) == value_kind::date);  // a leap year
    CHECK(infer({"2000-02-29"}) == value_kind::date);
    for (std::string_view bad :
         {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
          "0000-01-01", "2024-3-10", "20240310", "10000-01-01", "2024/03/10", "2024-03-10 "}) {
        INFO(bad);
        CHECK_FALSE(copy_form(value_kind::date, bad));
    }
}

TEST_CASE("timestamps: a space, seconds, a fraction without trailing zeros") {
    CHECK(infer({"2024-03-10 01:30:00", "2024-03-10 23:59:59.999999", "2024-03-10 00:00:00.5"}) ==
          value_kind::timestamp);
    // Dates and timestamps in one column: text (a date would print with 00:00:00).
    CHECK(infer({"2024-03-10", "2024-03-10 01:30:00"}) == value_kind::text);
    for (std::string_view bad :
         {"2024-03-10T01:30:00",          // PostgreSQL prints a space
          "2024-03-10 01:30",             // and the seconds
          "2024-03-10 01:30:00.500",      // and no trailing zeros
          "2024-03-10 01:30:00.",         //
          "2024-03-10 01:30:00.1234567",  // more than microseconds: rounded
          "2024-03-10 24:00:00",          // the next day
          "2024-03-10 23:59:60",          // the next minute
          "2024-03-10 1:30:00", "2024-02-30 01:30:00", "2024-03-10 01:30:00+00"}) {
        INFO(bad);
        CHECK_FALSE(copy_form(value_kind::timestamp, bad));
    }
    CHECK(postgres_text_form(value_kind::timestamp, "2024-03-10T01:30:00.25", text_form::json));
    CHECK_FALSE(postgres_text_form(value_kind::timestamp, "2024-03-10 01:30:00", text_form::json));
}

TEST_CASE("timestamptz: UTC in PostgreSQL's form only") {
    CHECK(infer({"2024-03-10 01:30:00+00", "1999-12-31 23:59:59.999999+00"}) ==
          value_kind::timestamptz);
    // Other offsets print in the session's zone; Z and +00:00 print as +00.
    for (std::string_view bad :
         {"2024-03-10 02:30:00+01", "2024-01-01 00:00:00-08", "2024-03-10 01:30:00Z",
          "2024-03-10 01:30:00+00:00", "2024-03-10T01:30:00+00", "2024-03-10 01:30+00"}) {
        INFO(bad);
        CHECK_FALSE(copy_form(value_kind::timestamptz, bad));
    }
    CHECK(infer({"2024-03-10 02:30:00+01", "2024-03-10 01:30:00+00"}) == value_kind::text);
    CHECK(
        postgres_text_form(value_kind::timestamptz, "2024-03-10T01:30:00+00:00", text_form::json));
    CHECK_FALSE(
        postgres_text_form(value_kind::timestamptz, "2024-03-10T01:30:00Z", text_form::json));
}

TEST_CASE("NULLs tell nothing; nothing seen is text; types for each database") {
    CHECK(infer({}) == value_kind::text);
    CHECK(infer({std::nullopt, std::nullopt}) == value_kind::text);
    CHECK(infer({std::nullopt, "2024-03-10"}) == value_kind::date);
    CHECK(infer({"", "1"}) == value_kind::text);  // "" is an empty string, not NULL
    CHECK(std::string_view(uio::etl::pg_type(value_kind::decimal)) == "numeric");
    CHECK(std::string_view(uio::etl::pg_type(value_kind::timestamptz)) == "timestamptz");
    // SQLite has none of the richer types: TEXT keeps them as written.
    for (value_kind k : {value_kind::decimal, value_kind::boolean, value_kind::date,
                         value_kind::timestamp, value_kind::timestamptz}) {
        CHECK(std::string_view(uio::etl::sqlite_type(k)) == "TEXT");
        CHECK(uio::etl::sqlite_storage(k) == value_kind::text);
    }
    CHECK(uio::etl::sqlite_storage(value_kind::real) == value_kind::real);
}

TEST_CASE("an integer fits a real column only when a double prints it back the same") {
    using uio::etl::value_fits;
    // Integers and decimals: numeric, never a double (2^53 + 1 has none).
    CHECK(infer({"9007199254740993", "1.5"}) == value_kind::decimal);
    CHECK(infer({"3", "1.5"}) == value_kind::real);
    // SQLite's REAL prints 100000 as 1e+05, PostgreSQL 1e+05 as 100000: in neither form
    // both agree, so neither is a real.
    CHECK(infer({"100000", "1.5"}) == value_kind::decimal);
    CHECK(infer({"1e+05"}) == value_kind::text);
    CHECK(infer({"0.0001"}) == value_kind::decimal);
    CHECK(value_fits(value_kind::real, "1e+15"));
    CHECK(value_fits(value_kind::real, "123456789012345.6"));
    CHECK_FALSE(value_fits(value_kind::real, "0.12345678901234567890123"));
    CHECK_FALSE(value_fits(value_kind::real, "9007199254740993"));
    // 2^53 is a double, but PostgreSQL prints it 9.007199254740992e+15.
    CHECK_FALSE(value_fits(value_kind::real, "9007199254740992"));
    CHECK(value_fits(value_kind::real, "900719925474099"));
    CHECK_FALSE(value_fits(value_kind::real, "1234567890123456"));  // 1.234567890123456e+15
    CHECK(value_fits(value_kind::real, "0"));
    CHECK_FALSE(value_fits(value_kind::real, "-0.0001"));  // std::to_chars: -1e-04
    CHECK(value_fits(value_kind::real, "-0.001"));
}

TEST_CASE("postgres_real_text: PostgreSQL's layout of the shortest digits") {
    using uio::etl::postgres_real_text;
    // As `select 1e20::float8, ...` prints them (PostgreSQL 12 and later).
    CHECK(postgres_real_text(1e20) == "1e+20");
    CHECK(postgres_real_text(100000) == "100000");
    CHECK(postgres_real_text(0.0001) == "0.0001");
    CHECK(postgres_real_text(1.5e-7) == "1.5e-07");
    CHECK(postgres_real_text(1e15) == "1e+15");
    CHECK(postgres_real_text(1e14) == "100000000000000");
    CHECK(postgres_real_text(123456789012345.6) == "123456789012345.6");
    CHECK(postgres_real_text(9223372036854775808.0) == "9.223372036854776e+18");
    CHECK(postgres_real_text(1e100) == "1e+100");
    CHECK(postgres_real_text(-2.5) == "-2.5");
}

TEST_CASE("every later value: the sample's rules, and where a misfit widens to") {
    using uio::etl::value_fits;
    using uio::etl::widened_kind;
    // What the servers' input functions take and print back otherwise.
    CHECK_FALSE(value_fits(value_kind::integer, "007"));
    CHECK_FALSE(value_fits(value_kind::boolean, "yes"));
    CHECK_FALSE(value_fits(value_kind::date, "2024-03-10 01:30:00"));
    CHECK_FALSE(value_fits(value_kind::timestamptz, "2024-03-10 01:30:00+05:30"));
    CHECK_FALSE(value_fits(value_kind::decimal, "0." + std::string(17'000, '3')));
    CHECK(value_fits(value_kind::text, "anything"));
    CHECK(value_fits(value_kind::mixed, "anything"));
    CHECK(widened_kind(value_kind::integer, "1.5") == value_kind::decimal);
    CHECK(widened_kind(value_kind::integer, "007") == value_kind::text);
    CHECK(widened_kind(value_kind::real, "1.50") == value_kind::text);
    CHECK(widened_kind(value_kind::date, "2024-03-10 01:30:00") == value_kind::text);
}
