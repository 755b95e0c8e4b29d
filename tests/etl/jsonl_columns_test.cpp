// json_column_kinds: the types a JSON Lines column gets, and fits_pg, the per-value check of
// a load past the sample, which must say exactly whether observing the value would change
// the column's PostgreSQL type (it answers without observing, for speed).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "uio/db/etl/detail/jsonl_columns.hpp"

using uio::etl::json_column_kinds;
using uio::formats::json_field;
using uio::formats::json_kind;

TEST_CASE("json_column_kinds: fits_pg says whether a value would change the column's type") {
    const std::vector<json_field> values = {
        {json_kind::null_value, ""},
        {json_kind::number, "7"},
        {json_kind::number, "2.5"},
        {json_kind::number, "1.50"},
        {json_kind::number, "1e+15"},
        {json_kind::number, "-0"},
        {json_kind::number, "99999999999999999999"},
        {json_kind::boolean, "true"},
        {json_kind::string, "x"},
        {json_kind::string, "5"},
        {json_kind::string, "2024-03-10"},
        {json_kind::string, "2024-03-10T01:30:00.5"},
        {json_kind::string, "2024-03-10T01:30:00+00:00"},
        {json_kind::string, "2024-03-10 01:30:00"},
        {json_kind::raw, "[1]"},
    };
    // Every column of up to two observed values, probed with every value.
    std::vector<json_column_kinds> columns(1);
    for (const json_field& a : values) {
        json_column_kinds one;
        one.observe(a);
        columns.push_back(one);
        for (const json_field& b : values) {
            json_column_kinds two = one;
            two.observe(b);
            columns.push_back(two);
        }
    }
    std::size_t fits = 0, misfits = 0;
    for (const json_column_kinds& c : columns) {
        for (const json_field& v : values) {
            json_column_kinds after = c;
            after.observe(v);
            const bool same =
                std::string(after.pg_type()) == c.pg_type() && after.mixed_json() == c.mixed_json();
            INFO("column " << c.pg_type() << ", value " << v.text);
            CHECK(c.fits_pg(v) == same);
            (same ? fits : misfits) += 1;
        }
    }
    CHECK(fits > 100);  // both answers were exercised
    CHECK(misfits > 100);
}

TEST_CASE("json_column_kinds: types from the JSON types of the values") {
    auto kinds_of = [](std::vector<json_field> values) {
        json_column_kinds k;
        for (const json_field& v : values) k.observe(v);
        return k;
    };
    using uio::etl::value_kind;
    auto ints = kinds_of({{json_kind::number, "1"}, {json_kind::null_value, ""}});
    CHECK(std::string(ints.pg_type()) == "bigint");
    CHECK(ints.sqlite_column("c").kind == value_kind::integer);
    auto reals = kinds_of({{json_kind::number, "1"}, {json_kind::number, "2.5"}});
    CHECK(std::string(reals.pg_type()) == "double precision");
    auto exact = kinds_of({{json_kind::number, "1"}, {json_kind::number, "1.50"}});
    CHECK(std::string(exact.pg_type()) == "numeric");
    auto mixed = kinds_of({{json_kind::number, "2"}, {json_kind::string, "x"}});
    CHECK(std::string(mixed.pg_type()) == "jsonb");
    CHECK(mixed.mixed_json());
    CHECK(mixed.sqlite_column("c").kind == value_kind::mixed);
    auto strings = kinds_of({{json_kind::string, "x"}, {json_kind::raw, "{}"}});
    CHECK(strings.mixed_json());  // two JSON types: jsonb, the strings as JSON
    CHECK(strings.sqlite_column("c").kind == value_kind::mixed);
    // One JSON type SQLite has no type for: a declared type that tells the export.
    auto flags = kinds_of({{json_kind::boolean, "true"}});
    CHECK(flags.sqlite_column("c").declared == "BOOLEAN");
    CHECK(exact.sqlite_column("c").declared == "DECIMAL_TEXT");
    CHECK(kinds_of({{json_kind::raw, "[1]"}}).sqlite_column("c").declared == "JSON");
    // Strings in row_to_json's forms: dates and times, so PostgreSQL → JSON Lines → back
    // keeps them; any other string makes them text.
    auto days = kinds_of({{json_kind::string, "2024-03-10"}, {json_kind::string, "0001-01-01"}});
    CHECK(std::string(days.pg_type()) == "date");
    CHECK(days.sqlite_column("c").kind == value_kind::text);
    auto times = kinds_of({{json_kind::string, "2024-03-10T01:30:00"}});
    CHECK(std::string(times.pg_type()) == "timestamp");
    auto utc = kinds_of({{json_kind::string, "2024-03-10T01:30:00.25+00:00"}});
    CHECK(std::string(utc.pg_type()) == "timestamptz");
    auto spaced = kinds_of({{json_kind::string, "2024-03-10 01:30:00"}});
    CHECK(std::string(spaced.pg_type()) == "text");  // row_to_json prints a T
    auto both = kinds_of({{json_kind::string, "2024-03-10"}, {json_kind::string, "x"}});
    CHECK(std::string(both.pg_type()) == "text");
    auto nothing = kinds_of({{json_kind::null_value, ""}});
    CHECK(std::string(nothing.pg_type()) == "text");
    CHECK(nothing.sqlite_column("c").kind == value_kind::text);
}
