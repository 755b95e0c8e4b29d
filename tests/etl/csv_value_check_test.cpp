// csv_value_check: the scan that checks a CSV load's values on our side reads fields, quotes
// and NULLs as COPY does, wherever the chunks are cut, and widens only by rows the server
// would load (a ragged row is the server's to refuse); a .tsv as the text format, escapes
// decoded; empty lines are no records.
#include "uio/db/etl/detail/csv_value_check.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using uio::etl::csv_value_check;
using uio::etl::value_kind;

namespace {

// The kinds after checking `text`, fed in pieces of `piece` bytes.
std::vector<value_kind> checked(const std::string& text, std::vector<value_kind> kinds,
                                std::size_t piece) {
    csv_value_check check(uio::formats::csv_options{}, std::move(kinds));
    for (std::size_t at = 0; at < text.size(); at += piece) check.feed(text.substr(at, piece));
    check.finish();
    return check.kinds();
}

}  // namespace

TEST_CASE("csv_value_check: fields, quotes, NULLs and line ends as COPY reads them") {
    const std::vector<value_kind> kinds = {value_kind::integer, value_kind::boolean,
                                           value_kind::text};
    for (std::size_t piece : {1, 2, 3, 7, 1000}) {
        INFO(piece);
        // Canonical values, quoted ones, NULLs, CRLF, a last line without its end: all fit.
        CHECK(checked("a,b,c\r\n1,t,x\r\n\"2\",\"f\",\"a,\"\"b\"\"\"\n,,\n-3,f,z", kinds, piece) ==
              kinds);
        // A quoted empty field is an empty string, not NULL: not an integer.
        CHECK(checked("a,b,c\n\"\",t,x\n", kinds, piece)[0] == value_kind::text);
        // 1.5 widens an integer column to numeric; yes a boolean one to text.
        CHECK(checked("a,b,c\n1,t,x\n1.5,yes,y", kinds, piece) ==
              std::vector<value_kind>{value_kind::decimal, value_kind::text, value_kind::text});
        // 007, even quoted, and a value in a record cut by a quoted line end.
        CHECK(checked("a,b,c\n\"007\",t,\"two\nlines\"\n", kinds, piece)[0] == value_kind::text);
        CHECK(checked("a,b,c\n1,t,\"two\n1.5,yes\"\n", kinds, piece) == kinds);
        // A ragged row is left to the server.
        CHECK(checked("a,b,c\n1.5,yes\n", kinds, piece) == kinds);
        // The header is not checked.
        CHECK(checked("007,yes,c\n1,t,x\n", kinds, piece) == kinds);
    }
}

TEST_CASE("csv_value_check: quoted parts anywhere in a field, checked or skipped, in any cut") {
    // The scan jumps to the next quote inside quotes and over runs of plain bytes outside,
    // and keeps a field's text only for a checked column: the values must come out whole.
    const std::vector<value_kind> kinds = {value_kind::integer, value_kind::boolean,
                                           value_kind::text};
    for (std::size_t piece : {1, 2, 3, 5, 1000}) {
        INFO(piece);
        // "1"2 is 12 and 1"2"3 is 123 to COPY; "t" is t; a text column's quoted delimiter
        // and line end stay inside its value.
        CHECK(checked("a,b,c\n\"1\"2,t,\"x,\ny\"\n1\"2\"3,\"t\",z\n", kinds, piece) == kinds);
        // A doubled quote is a quote of the value: 1"2 is no integer.
        CHECK(checked("a,b,c\n\"1\"\"2\",t,x\n", kinds, piece)[0] == value_kind::text);
        // Text after a closing quote belongs to the value: t"rue" is true, not t.
        CHECK(checked("a,b,c\n1,t\"rue\",x\n", kinds, piece)[1] == value_kind::text);
        // Skipping a quoted text value (a delimiter, a line end, doubled quotes in it) keeps
        // the columns in step: the next record's 1.5 still widens the first column.
        CHECK(checked("a,b,c\n1,t,\"x,\n\"\"y\"\"\"\n1.5,t,z\n", kinds, piece)[0] ==
              value_kind::decimal);
    }
}

namespace {

std::vector<value_kind> checked_tsv(const std::string& text, std::vector<value_kind> kinds,
                                    std::size_t piece) {
    uio::formats::csv_options tsv;
    tsv.delimiter = '\t';
    tsv.text_format = true;
    csv_value_check check(tsv, std::move(kinds));
    for (std::size_t at = 0; at < text.size(); at += piece) check.feed(text.substr(at, piece));
    check.finish();
    return check.kinds();
}

}  // namespace

TEST_CASE("csv_value_check: a .tsv is read as PostgreSQL's text format, values unescaped") {
    const std::vector<value_kind> kinds = {value_kind::integer, value_kind::date, value_kind::text};
    for (std::size_t piece : {1, 2, 3, 7, 1000}) {
        INFO(piece);
        // \N is NULL, a quote is an ordinary byte (no quoted part swallows the next lines).
        CHECK(checked_tsv("a\tb\tc\n\\N\t\\N\tsay \"hi\n2\t2024-01-02\tx\r\n", kinds, piece) ==
              kinds);
        // ... so the date that meets a timestamp two lines after a stray quote is seen.
        CHECK(checked_tsv("a\tb\tc\n1\t2024-01-01\tsay \"hi\n2\t2024-03-10 01:30:00\tx\n", kinds,
                          piece)[1] != value_kind::date);
        // Values compared after unescaping: \x37 is 7, an escaped TAB is inside the value.
        CHECK(checked_tsv("a\tb\tc\n\\x37\t2024-01-01\tx\n", kinds, piece) == kinds);
        CHECK(checked_tsv("a\tb\tc\n7\\\t1\t2024-01-01\tx\n", kinds, piece)[0] == value_kind::text);
        CHECK(checked_tsv("a\tb\tc\n1\t2024-01-01\\n\tx\n", kinds, piece)[1] != value_kind::date);
        // \\N is the text \N, not NULL.
        CHECK(checked_tsv("a\tb\tc\n\\\\N\t2024-01-01\tx\n", kinds, piece)[0] == value_kind::text);
        // Empty lines, also before the header, hold no record and leave the header alone.
        CHECK(checked_tsv("\na\tb\tc\n\n1\t2024-01-01\tx\n\r\n2\t2024-01-02\ty", kinds, piece) ==
              kinds);
    }
}

TEST_CASE("csv_value_check: empty lines are no records, before the header too") {
    const std::vector<value_kind> kinds = {value_kind::integer, value_kind::boolean};
    for (std::size_t piece : {1, 2, 5, 1000}) {
        INFO(piece);
        CHECK(checked("\r\n\nyes,007\n1,t\n\n\r\n2,f\n", kinds, piece) == kinds);
        CHECK(checked("a,b\n1,t\n\n1.5,t\n", kinds, piece)[0] == value_kind::decimal);
    }
}
