// CSV: NULL vs empty survives a round trip; rows split at every byte parse the same; each
// kind of bad input is reported at its exact line and column.
#include "uio/db/formats/csv_reader.hpp"
#include "uio/db/formats/csv_writer.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "test_support.hpp"

namespace formats = uio::formats;
using row_t = std::vector<std::optional<std::string>>;

namespace {

void append(const formats::csv_batch& batch, std::vector<row_t>& rows) {
    for (auto r : batch) {
        row_t row;
        for (std::size_t i = 0; i < r.size(); ++i) {
            auto f = r[i];
            row.push_back(f ? std::optional<std::string>(std::string(*f)) : std::nullopt);
        }
        rows.push_back(std::move(row));
    }
}

std::vector<row_t> parse_all(std::string_view input, formats::csv_options options = {},
                             std::size_t chunk = 0) {
    formats::csv_reader reader(std::move(options));
    std::vector<row_t> rows;
    if (chunk == 0) chunk = input.size() + 1;
    for (std::size_t i = 0; i < input.size(); i += chunk)
        append(reader.feed(input.substr(i, chunk)), rows);
    append(reader.finish(), rows);
    return rows;
}

std::string error_of(std::string_view input, formats::csv_options options = {}) {
    options.source = "sales.csv";
    try {
        parse_all(input, options);
    } catch (const formats::parse_error& e) {
        return e.location_message();
    }
    return "no error";
}

}  // namespace

TEST_CASE("csv: unquoted empty is NULL, quoted empty is an empty string, NULL and \\N are text") {
    auto rows = parse_all("a,b,c,d\n,\"\",NULL,\\N\n", {.header = true});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][0] == std::nullopt);
    CHECK(rows[0][1] == std::optional<std::string>(""));
    CHECK(rows[0][2] == std::optional<std::string>("NULL"));
    CHECK(rows[0][3] == std::optional<std::string>("\\N"));
    // --null STRING: that unquoted string is NULL; an unquoted empty field is then "".
    auto with_null = parse_all("\\N,,\"\\N\"\n", {.header = false, .null_string = "\\N"});
    CHECK(with_null[0][0] == std::nullopt);
    CHECK(with_null[0][1] == std::optional<std::string>(""));
    CHECK(with_null[0][2] == std::optional<std::string>("\\N"));
}

TEST_CASE("csv: quotes, doubled quotes, embedded newlines, CRLF, BOM, TSV") {
    std::string input =
        "\xEF\xBB\xBFid,text\r\n1,\"say \"\"hi\"\", "
        "ok\"\r\n2,\"line1\r\nline2\"\r\n3,caf\xC3\xA9\r\n";
    formats::csv_reader reader;
    auto batch = reader.feed(input);
    auto last = reader.finish();
    CHECK(last.empty());
    REQUIRE(reader.header() == std::vector<std::string>{"id", "text"});
    REQUIRE(batch.size() == 3);
    CHECK(batch[0][1] == "say \"hi\", ok");
    CHECK(batch[1][1] == "line1\r\nline2");
    CHECK(batch[2][1] == "caf\xC3\xA9");
    CHECK(batch[2].line() == 5);  // the quoted newline makes row 2 two lines long
    auto tsv = parse_all("a\tb\n'x\ty'\t\n", {.delimiter = '\t', .quote = '\'', .header = false});
    REQUIRE(tsv.size() == 2);
    CHECK(tsv[1][0] == std::optional<std::string>("x\ty"));
    CHECK(tsv[1][1] == std::nullopt);
    // A last row without a line end, and a blank line as a one-field NULL row.
    auto one_column = parse_all("x\n\ny", {.header = false});
    REQUIRE(one_column.size() == 3);
    CHECK(one_column[1][0] == std::nullopt);
    CHECK(one_column[2][0] == std::optional<std::string>("y"));
}

TEST_CASE("csv: one delimiter rule for the reader and the programs that check options first") {
    using formats::usable_delimiter_and_quote;
    // The rule the CLI checks (as a usage error) before building a reader.
    STATIC_REQUIRE(usable_delimiter_and_quote(',', '"'));
    STATIC_REQUIRE(usable_delimiter_and_quote('\t', '\''));
    STATIC_REQUIRE(usable_delimiter_and_quote('|', '"'));
    STATIC_REQUIRE_FALSE(usable_delimiter_and_quote(',', ','));
    STATIC_REQUIRE_FALSE(usable_delimiter_and_quote('\n', '"'));
    STATIC_REQUIRE_FALSE(usable_delimiter_and_quote(',', '\r'));
    STATIC_REQUIRE_FALSE(usable_delimiter_and_quote('\0', '"'));
    STATIC_REQUIRE_FALSE(usable_delimiter_and_quote(static_cast<char>(0xC3), '"'));
    // The reader refuses exactly what the rule refuses.
    for (char delimiter : {',', ';', '\t', '\n', '\r', '\0', '"', static_cast<char>(0x80)}) {
        for (char quote : {'"', '\'', ',', '\n', static_cast<char>(0xFF)}) {
            formats::csv_options o{.delimiter = delimiter, .quote = quote};
            if (usable_delimiter_and_quote(delimiter, quote)) {
                CHECK_NOTHROW(formats::csv_reader{o});
            } else {
                CHECK_THROWS_AS(formats::csv_reader{o}, std::invalid_argument);
            }
        }
    }
}

TEST_CASE("csv: rows split at every byte boundary parse identically") {
    const std::string input =
        "\xEF\xBB\xBFh1,h2,h3\r\n\"a,b\",,\"\"\n\"multi\nline "
        "\xE2\x9C\x93\",\"q\"\"q\",\xF0\x9F\x98\x80\r\n"
        "x,y,z";
    const auto whole = parse_all(input);
    REQUIRE(whole.size() == 3);
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        INFO("chunk size " << chunk);
        CHECK(parse_all(input, {}, chunk) == whole);
    }
    // Every two-piece split, too.
    for (std::size_t split = 0; split <= input.size(); ++split) {
        formats::csv_reader reader;
        std::vector<row_t> rows;
        append(reader.feed(std::string_view(input).substr(0, split)), rows);
        append(reader.feed(std::string_view(input).substr(split)), rows);
        append(reader.finish(), rows);
        INFO("split at " << split);
        CHECK(rows == whole);
    }
}

TEST_CASE("csv: a batch with the next one appended reads as both, in order") {
    // The rows a feed() completed, then the last row finish() gives (no final line end).
    const std::string input = "a,b\n1,\"x\ny\"\n,\"\"\n3,last";
    const auto whole = parse_all(input);
    formats::csv_reader reader;
    formats::csv_batch batch = reader.feed(input);
    REQUIRE(batch.size() == 2);
    batch.append(reader.finish());
    std::vector<row_t> rows;
    append(batch, rows);
    CHECK(rows == whole);
    CHECK(batch[2].line() == 5);
    // Onto an empty batch: the other one as it is.
    formats::csv_batch empty;
    empty.append(std::move(batch));
    CHECK(empty.size() == 3);
    CHECK(empty[2][1] == "last");
}

TEST_CASE("csv: writer and reader round trip tricky values") {
    std::string big(1 << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 1000) big[i] = "\",\n\r"[i / 1000 % 4];
    std::vector<row_t> rows = {
        {std::nullopt, "", "NULL", "\\N"},
        {"a,b", "say \"hi\"", "line1\nline2", "crlf\r\nend"},
        {"caf\xC3\xA9", "\\.", " padded ", "\xEF\xBB\xBFnot a bom"},
        {big, "'single'", "tab\there", "00123"},
    };
    for (bool crlf : {false, true}) {
        for (std::optional<std::string> null_string :
             {std::optional<std::string>{}, std::optional<std::string>("\\N")}) {
            formats::csv_options options{.header = true, .null_string = null_string, .crlf = crlf};
            formats::csv_writer writer(options);
            std::string out;
            writer.write_header({"a", "b", "c", "d"}, out);
            for (const auto& r : rows) {
                std::vector<formats::field> fields;
                for (const auto& f : r) fields.push_back(f ? formats::field(*f) : std::nullopt);
                writer.write_row(fields, out);
            }
            CHECK(parse_all(out, options) == rows);
            CHECK(parse_all(out, options, 4096) == rows);
        }
    }
    formats::csv_writer writer;
    std::string out;
    writer.write_row({"1", std::nullopt, "", "x"}, out);
    CHECK(out == "1,,\"\",x\n");
}

TEST_CASE("csv: errors name the exact line and column") {
    CHECK(error_of("a,b\n1,2\n3,\"open\n\n") == "sales.csv:3:3: unterminated quoted field");
    CHECK(error_of("a,b\n1,2,3\n") ==
          "sales.csv:2:5: too many fields: expected 2 (as in the header)");
    CHECK(error_of("a,b\n1\n") == "sales.csv:2:2: too few fields: 1 instead of 2");
    CHECK(error_of("a,b\n1") == "sales.csv:2:2: too few fields: 1 instead of 2");
    CHECK(error_of("a,b\n\xC3\xA9\xC3\xA9,x\xFFy\n") == "sales.csv:2:5: invalid UTF-8");
    CHECK(error_of("a,b\n\"\xE2\x82\",x\n") == "sales.csv:2:2: invalid UTF-8");
    CHECK(error_of("a,b\nx\xED\xA0\x80,y\n") == "sales.csv:2:2: invalid UTF-8");  // surrogate
    CHECK(error_of(std::string("a,b\nab,c\0d\n", 11)) == "sales.csv:2:5: NUL byte");
    const formats::csv_options strict{.strict = true};
    CHECK(error_of("a,b\n\"x\"y,z\n", strict) ==
          "sales.csv:2:4: unexpected character after a closing quote (expected a delimiter or "
          "the end of the line)");
    CHECK(error_of("a,b\nx\"y,z\n", strict) ==
          "sales.csv:2:2: quote character inside an unquoted field (quote the whole field)");
    CHECK(error_of("a,b\nab\xE2") ==
          "sales.csv:2:3: invalid UTF-8 (truncated sequence at end of input)");
    // Lines count the newlines inside quoted fields; a BOM is not a column.
    CHECK(error_of("\xEF\xBB\xBFh\n\"a\nb\"\n\"c\"d\n", strict) ==
          "sales.csv:4:4: unexpected character after a closing quote (expected a delimiter or "
          "the end of the line)");
    // The message carries an excerpt of the line.
    try {
        parse_all("a,b\n1,\"2\"x\n", {.source = "s.csv", .strict = true});
        FAIL("no error");
    } catch (const formats::parse_error& e) {
        CHECK(e.line() == 2);
        CHECK(e.column() == 6);
        CHECK(e.excerpt() == "1,\"2\"x");
        CHECK_THAT(e.what(), Catch::StartsWith("s.csv:2:6: unexpected character"));
    }
}

TEST_CASE("csv: an empty header field names no column: a data error at its place") {
    const char* reason = "of the header is empty (a column needs a name)";
    CHECK(error_of("id,,name\n1,2,3\n") == std::string("sales.csv:1:4: field 2 ") + reason);
    CHECK(error_of("id,name,\n1,2,3\n") == std::string("sales.csv:1:9: field 3 ") + reason);
    CHECK(error_of("id,name,") == std::string("sales.csv:1:9: field 3 ") + reason);
    CHECK(error_of("\xEF\xBB\xBF,a\n") == std::string("sales.csv:1:1: field 1 ") + reason);
    CHECK(error_of("a,\"\",b\n") == std::string("sales.csv:1:3: field 2 ") + reason);
    CHECK(error_of("a,\\N\n", {.null_string = "\\N"}) ==
          std::string("sales.csv:1:3: field 2 ") + reason);
    // Every chunking finds it at the same place.
    for (std::size_t chunk = 1; chunk < 6; ++chunk) {
        formats::csv_options options{.source = "sales.csv"};
        try {
            parse_all("\xC3\xA9,,x\n", options, chunk);
            FAIL("no error");
        } catch (const formats::parse_error& e) {
            CHECK(e.location_message() == std::string("sales.csv:1:3: field 2 ") + reason);
            CHECK(uio::kind_of(e) == uio::error_kind::data);
        }
    }
    // Without a header, empty fields are values as always.
    CHECK(error_of("id,,name\n", {.header = false}) == "no error");
}

TEST_CASE("csv: parse speed (informational)") {
#ifdef UIO_SANITIZED
    const std::size_t size = 8 << 20;  // a sanitizer's speed means nothing: the same path, shorter
#else
    const std::size_t size = 64 << 20;
#endif
    std::string input = "id,name,amount,note\n";
    for (int i = 0; input.size() < size; ++i) {
        input += std::to_string(i) + ",customer " + std::to_string(i * 7) + "," +
                 std::to_string(i * 0.25) + ",\"quoted, with comma\"\n";
    }
    formats::csv_reader reader;
    auto start = std::chrono::steady_clock::now();
    std::size_t rows = 0;
    for (std::size_t i = 0; i < input.size(); i += 1 << 20) {
        rows += reader.feed(std::string_view(input).substr(i, 1 << 20)).size();
    }
    rows += reader.finish().size();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("csv parse: %.1f MB in %.3f s = %.0f MB/s, %zu rows\n", input.size() / 1e6, s,
                input.size() / 1e6 / s, rows);
    CHECK(rows > 0);
}

TEST_CASE("csv: quotes inside fields read as PostgreSQL's COPY reads them, and counted") {
    formats::csv_reader reader({.source = "q.csv"});
    std::vector<row_t> rows;
    append(reader.feed("a,b\nx\"y,z\"w,v\n\"c\"d,The \"Best\" One\n\"\"e,\"\"\n"), rows);
    append(reader.finish(), rows);
    // A quote anywhere opens or closes a quoted section; the field goes on after it.
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == row_t{"xy,zw", "v"});
    CHECK(rows[1] == row_t{"cd", "The Best One"});
    CHECK(rows[2] == row_t{"e", ""});
    CHECK(reader.warnings() == 4);
    // A field that held a quote is never NULL, as in COPY ("" is an empty string).
    auto nulls = parse_all("a,b\n\"\"x,\n", {.null_string = std::string("x")});
    CHECK(nulls[0] == row_t{"x", ""});
    // Every chunking agrees.
    const std::string input = "a,b\nx\"y,z\"w,1\n\"c\"d,q\"\"r\n";
    const auto whole = parse_all(input);
    CHECK(whole == std::vector<row_t>{{"xy,zw", "1"}, {"cd", "qr"}});
    for (std::size_t chunk = 1; chunk < input.size(); ++chunk) {
        CHECK(parse_all(input, {}, chunk) == whole);
    }
}

TEST_CASE("csv: empty lines hold no record when records have several fields") {
    formats::csv_reader reader({.source = "b.csv"});
    std::vector<row_t> rows;
    append(reader.feed("a,b\n\n1,2\r\n\r\n3,\"\"\n\n"), rows);
    append(reader.finish(), rows);
    CHECK(rows == std::vector<row_t>{{"1", "2"}, {"3", ""}});
    CHECK(reader.blank_lines() == 3);
    // Line numbers still count them.
    CHECK(error_of("a,b\n\n\n1\n") == "sales.csv:4:2: too few fields: 1 instead of 2");
}

TEST_CASE("csv: a header naming a column twice is a data error at the second name") {
    CHECK(error_of("id,name,id\n1,2,3\n") == "sales.csv:1:9: duplicate column name \"id\"");
    CHECK(error_of("\"a\",\"a\"\n") == "sales.csv:1:5: duplicate column name \"a\"");
    CHECK(error_of("id,ID\n1,2\n") == "no error");  // names are case-sensitive (PostgreSQL)
}
