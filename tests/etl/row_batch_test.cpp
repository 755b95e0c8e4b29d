// row_batch: values converted for SQLite. Declared and --schema kinds are strict (a value
// that does not fit rejects its row, whole, with its line and reason); inferred kinds never
// reject: each value goes in as what it is and marks its column in `widens`.
#include "uio/db/etl/detail/row_batch.hpp"

#include <sqlite3.h>

#include <string>
#include <vector>

#include "test_support.hpp"
#include "uio/db/formats/csv_reader.hpp"

using uio::etl::column_spec;
using uio::etl::row_batch;
using uio::etl::value_kind;
using uio::sqlite::packed_rows;

namespace {

// Cells [first, first + count) as SQLite receives them: "INTEGER 7", "REAL 1.5", "TEXT
// 02134", "NULL". Bound to a real statement, so this reads what a load would insert.
std::vector<std::string> cells_as_sqlite_sees_them(const packed_rows& rows, std::size_t first,
                                                   std::size_t count) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < count; ++i) sql += i ? ", ?" : "?";
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    if (rows.bind(stmt, first, count) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        for (int i = 0; i < static_cast<int>(count); ++i) {
            const int type = sqlite3_column_type(stmt, i);
            auto text = [&] {
                const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                return std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
            };
            switch (type) {
                case SQLITE_INTEGER:
                    out.push_back("INTEGER " + text());
                    break;
                case SQLITE_FLOAT:
                    out.push_back("REAL " + text());
                    break;
                case SQLITE_TEXT:
                    out.push_back("TEXT " + text());
                    break;
                case SQLITE_NULL:
                    out.push_back("NULL");
                    break;
                default:
                    out.push_back("BLOB");
            }
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

std::vector<std::string> all_cells(const packed_rows& rows) {
    return cells_as_sqlite_sees_them(rows, 0, rows.cells());
}

using cells = std::vector<std::string>;

uio::formats::csv_batch csv(const std::string& text) {
    uio::formats::csv_reader reader({.header = false, .allow_ragged = true});
    uio::formats::csv_batch batch = reader.feed(text);
    batch.append(reader.finish());
    return batch;
}

column_spec declared(std::string name, value_kind kind) {
    return {.name = std::move(name), .kind = kind, .declared = "", .inferred = false};
}

column_spec inferred(std::string name, value_kind kind) {
    return {.name = std::move(name), .kind = kind, .declared = "", .inferred = true};
}

}  // namespace

TEST_CASE("convert_value: NULL stays NULL, numeric kinds take only numbers, text takes all") {
    packed_rows out;
    for (value_kind kind : {value_kind::integer, value_kind::real, value_kind::text}) {
        CHECK_FALSE(uio::etl::convert_value(std::nullopt, kind, out));
    }
    CHECK_FALSE(uio::etl::convert_value("+7", value_kind::integer, out));
    CHECK_FALSE(uio::etl::convert_value("007", value_kind::integer, out));
    CHECK_FALSE(uio::etl::convert_value("-9223372036854775808", value_kind::integer, out));
    CHECK_FALSE(uio::etl::convert_value("1.50", value_kind::real, out));
    CHECK_FALSE(uio::etl::convert_value("1e3", value_kind::real, out));
    CHECK_FALSE(uio::etl::convert_value("02134", value_kind::text, out));
    CHECK_FALSE(uio::etl::convert_value("", value_kind::text, out));
    CHECK_FALSE(uio::etl::convert_value("12", value_kind::mixed, out));
    CHECK(all_cells(out) == cells{"NULL", "NULL", "NULL", "INTEGER 7", "INTEGER 7",
                                  "INTEGER -9223372036854775808", "REAL 1.5", "REAL 1000.0",
                                  "TEXT 02134", "TEXT ", "TEXT 12"});
}

TEST_CASE("convert_value: a value that does not fit returns the reason and appends nothing") {
    packed_rows out;
    CHECK(uio::etl::convert_value("1.5", value_kind::integer, out) == "'1.5' is not an integer");
    CHECK(uio::etl::convert_value("", value_kind::integer, out) == "'' is not an integer");
    CHECK(uio::etl::convert_value("9223372036854775808", value_kind::integer, out) ==
          "'9223372036854775808' is not an integer");
    CHECK(uio::etl::convert_value(" 2", value_kind::real, out) == "' 2' is not a number");
    CHECK(uio::etl::convert_value("abc", value_kind::real, out) == "'abc' is not a number");
    const std::string long_text(100, 'z');
    CHECK(uio::etl::convert_value(long_text, value_kind::integer, out) ==
          "'" + std::string(40, 'z') + "...' is not an integer");
    CHECK(out.cells() == 0);
    CHECK(out.bytes() == 0);
}

TEST_CASE("push_natural: canonical integers and reals as numbers, anything else as TEXT") {
    packed_rows out;
    using uio::etl::push_natural;
    CHECK(push_natural("2134", out) == value_kind::integer);
    CHECK(push_natural("02134", out) == value_kind::text);  // a ZIP code keeps its zero
    CHECK(push_natural("-17", out) == value_kind::integer);
    CHECK(push_natural("+17", out) == value_kind::text);
    // A REAL column stores -0.0 as the integer 0: "-0" would come back as "0".
    CHECK(push_natural("-0", out) == value_kind::text);
    CHECK(push_natural("9223372036854775809", out) == value_kind::text);  // past int64, and
    CHECK(push_natural("9223372036854775808", out) == value_kind::real);  // 2^63 is a double
    CHECK(push_natural("1.5", out) == value_kind::real);
    CHECK(push_natural("1.50", out) == value_kind::text);
    CHECK(push_natural("", out) == value_kind::text);
    CHECK(push_natural("N/A", out) == value_kind::text);
    CHECK(all_cells(out) == cells{"INTEGER 2134", "TEXT 02134", "INTEGER -17", "TEXT +17",
                                  "TEXT -0", "TEXT 9223372036854775809",
                                  "REAL 9.22337203685478e+18", "REAL 1.5", "TEXT 1.50", "TEXT ",
                                  "TEXT N/A"});
}

TEST_CASE("convert_csv: strict columns reject whole rows, with line, reason and the row as CSV") {
    // Input columns: name, id, price. Output columns: id, price, name (order 1, 2, 0).
    const auto batch =
        csv("ann,1,2.5\n"
            "\"bob, jr\",x,3\n"
            "cy,2\n"
            "\"\",3,\n"
            "dee,4,oops\n"
            "eve,5,6,7\n"
            "fay,+6,1e2");
    const std::vector<column_spec> columns = {declared("id", value_kind::integer),
                                              declared("price", value_kind::real),
                                              declared("name", value_kind::text)};
    const row_batch out = uio::etl::convert_csv(batch, 3, {1, 2, 0}, columns);

    CHECK(out.bytes == batch.bytes());
    CHECK(out.lines == std::vector<std::uint64_t>{1, 4, 7});
    CHECK(out.rows() == 3);
    CHECK(out.widens.empty());
    CHECK(out.cells.cells() == 3 * columns.size());  // no half rows of the rejects
    CHECK(all_cells(out.cells) == cells{"INTEGER 1", "REAL 2.5", "TEXT ann",  //
                                        "INTEGER 3", "NULL", "TEXT ",         //
                                        "INTEGER 6", "REAL 100.0", "TEXT fay"});
    REQUIRE(out.rejects.size() == 4);
    CHECK(out.rejects[0].line == 2);
    CHECK(out.rejects[0].reason == "column id: 'x' is not an integer");
    CHECK(out.rejects[0].row == "\"bob, jr\",x,3");
    CHECK(out.rejects[1].line == 3);
    CHECK(out.rejects[1].reason == "2 fields instead of 3");
    CHECK(out.rejects[1].row == "cy,2");
    CHECK(out.rejects[2].line == 5);
    CHECK(out.rejects[2].reason == "column price: 'oops' is not a number");
    CHECK(out.rejects[2].row == "dee,4,oops");
    CHECK(out.rejects[3].line == 6);
    CHECK(out.rejects[3].reason == "4 fields instead of 3");
    CHECK(out.rejects[3].row == "eve,5,6,7");
}

TEST_CASE("convert_csv: inferred columns take every value as what it is and mark misfits") {
    // zip inferred integer from a sample, score inferred real, tag inferred text.
    const std::vector<column_spec> columns = {inferred("zip", value_kind::integer),
                                              inferred("score", value_kind::real),
                                              inferred("tag", value_kind::text)};
    const auto fitting = csv("10001,7,5\n,1.5,x\n");
    const row_batch first = uio::etl::convert_csv(fitting, 3, {0, 1, 2}, columns);
    CHECK(first.rejects.empty());
    CHECK(first.widens.empty());
    // An integer in a real column stays INTEGER, and a number in a text column stays TEXT:
    // how a value is stored never depends on whether its column has widened yet.
    CHECK(all_cells(first.cells) == cells{"INTEGER 10001", "INTEGER 7", "TEXT 5",  //
                                          "NULL", "REAL 1.5", "TEXT x"});

    const auto misfits = csv("02134,1.50,y\n10002,2,z\n");
    const row_batch second = uio::etl::convert_csv(misfits, 3, {0, 1, 2}, columns);
    CHECK(second.rejects.empty());
    CHECK(second.lines == std::vector<std::uint64_t>{1, 2});
    CHECK(second.widens == std::vector<bool>{true, true, false});
    CHECK(all_cells(second.cells) == cells{"TEXT 02134", "TEXT 1.50", "TEXT y",  //
                                           "INTEGER 10002", "INTEGER 2", "TEXT z"});

    // Only a misfit's own column widens, and marks add up over the batch; a ragged row is
    // still rejected, and marks nothing.
    const auto some = csv("1,oops,a\n1,2\nx,2,b\n3,4,c\n");
    const row_batch third = uio::etl::convert_csv(some, 3, {0, 1, 2}, columns);
    CHECK(third.widens == std::vector<bool>{true, true, false});
    CHECK(third.rejects.size() == 1);
    CHECK(third.rows() == 3);
    const auto ragged = csv("1,2,a\nx,y\n");
    CHECK(uio::etl::convert_csv(ragged, 3, {0, 1, 2}, columns).widens.empty());
}

TEST_CASE("convert_jsonl: JSON types against strict columns, unknown keys rejected") {
    uio::formats::jsonl_reader reader;
    auto batch = reader.feed(
        "{\"id\": 1, \"ok\": true, \"price\": 2.5, \"name\": \"ann\"}\n"
        "{\"id\": \"2\", \"ok\": false, \"price\": 1, \"name\": \"bob\"}\n"
        "{\"id\": 3, \"ok\": false, \"price\": null, \"name\": 42}\n"
        "{\"id\": 4.5, \"ok\": true, \"price\": 1, \"name\": \"cy\"}\n"
        "{\"id\": 5, \"ok\": null, \"price\": \"cheap\", \"name\": \"dee\"}\n"
        "{\"id\": 6, \"extra\": null}\n"
        "{\"id\": 7, \"extra\": \"surprise\"}\n");
    // The table has id, ok, price, name: the reader's first four keys. Output order:
    // name, id, ok, price.
    const std::size_t known = 4;
    REQUIRE(reader.columns().size() == 5);
    const std::vector<column_spec> columns = {
        declared("name", value_kind::text), declared("id", value_kind::integer),
        declared("ok", value_kind::integer), declared("price", value_kind::real)};
    const row_batch out = uio::etl::convert_jsonl(batch, known, {3, 0, 1, 2}, columns);

    CHECK(out.lines == std::vector<std::uint64_t>{1, 3, 6});
    CHECK(out.widens.empty());
    CHECK(all_cells(out.cells) ==
          cells{"TEXT ann", "INTEGER 1", "INTEGER 1", "REAL 2.5",  //
                "TEXT 42", "INTEGER 3", "INTEGER 0", "NULL",       // a number in text: TEXT
                "NULL", "INTEGER 6", "NULL", "NULL"});             // an extra key, null: fine
    REQUIRE(out.rejects.size() == 4);
    CHECK(out.rejects[0].line == 2);
    CHECK(out.rejects[0].reason == "column id: a string where a number belongs");
    CHECK(out.rejects[1].line == 4);
    CHECK(out.rejects[1].reason == "column id: '4.5' is not an integer");
    CHECK(out.rejects[2].line == 5);
    CHECK(out.rejects[2].reason == "column price: a string where a number belongs");
    CHECK(out.rejects[3].line == 7);
    CHECK(out.rejects[3].reason == "a key that is not a column of the table");
    CHECK(out.rejects[3].row.empty());
}

TEST_CASE("convert_jsonl: inferred columns keep JSON values as they are and mark misfits") {
    uio::formats::jsonl_reader reader;
    auto batch = reader.feed(
        "{\"n\": 1, \"x\": 1, \"t\": \"a\"}\n"
        "{\"n\": true, \"x\": 2.5, \"t\": {\"deep\": [1, 2]}}\n"
        "{\"n\": null, \"x\": 1.50, \"t\": 7}\n"
        "{\"n\": \"02134\", \"x\": 3, \"t\": null}\n");
    const std::vector<column_spec> columns = {inferred("n", value_kind::integer),
                                              inferred("x", value_kind::real),
                                              inferred("t", value_kind::text)};
    const row_batch out = uio::etl::convert_jsonl(batch, 3, {0, 1, 2}, columns);
    CHECK(out.rejects.empty());
    CHECK(out.rows() == 4);
    // 1.50 is a JSON number whose text a double would change: TEXT, so x widens; 7 in the
    // text column is an INTEGER, so t widens; "02134" is a string: TEXT, so n widens.
    CHECK(out.widens == std::vector<bool>{true, true, true});
    CHECK(all_cells(out.cells) == cells{"INTEGER 1", "INTEGER 1", "TEXT a",                  //
                                        "INTEGER 1", "REAL 2.5", "TEXT {\"deep\": [1, 2]}",  //
                                        "NULL", "TEXT 1.50", "INTEGER 7",                    //
                                        "TEXT 02134", "INTEGER 3", "NULL"});
}
