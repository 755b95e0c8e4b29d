// The CSV dialect, shared by the reader and the writer so that what one writes the other
// reads back identically. NULL follows PostgreSQL's CSV rule: an unquoted empty field is
// NULL, a quoted empty field ("") is an empty string. With `null_string` set, an unquoted
// field equal to it is NULL instead (and an unquoted empty field is an empty string).
// Strings such as NULL or \N are never special unless named as null_string.
#pragma once

#include <optional>
#include <string>

namespace uio::formats {

struct csv_options {
    char delimiter = ',';  // '\t' for TSV
    char quote = '"';
    bool header = true;                        // the first row names the columns
    std::optional<std::string> null_string{};  // --null STRING
    std::string source = "<input>";            // the name errors start with: "sales.csv"
    bool crlf = false;                         // writer: end rows with \r\n instead of \n
    // Reader: return rows whose field count differs from the first row's as they are,
    // instead of failing, so a caller can reject (and count) them one by one.
    bool allow_ragged = false;
    // PostgreSQL's text format instead of CSV (.tsv): no quoting, backslash escapes, NULL
    // written \N unless null_string says otherwise. Read by tsv_reader; csv_writer writes it.
    bool text_format = false;
    // Reader: refuse a quote inside an unquoted field and text after a closing quote (at
    // their line and column) instead of reading them as PostgreSQL's COPY does (a quote
    // anywhere opens or closes a quoted section of the field: `a"b,c"d` is `ab,cd`; such
    // fields are counted, csv_reader::warnings()). --strict.
    bool strict = false;
};

// The dialect rule the reader's byte classes rely on: the delimiter and the quote are two
// different ASCII characters, neither a line end nor NUL. csv_reader refuses anything else
// (std::invalid_argument, a caller's bug); a program checks its options with this first to
// refuse them as the user's mistake.
constexpr bool usable_delimiter_and_quote(char delimiter, char quote) noexcept {
    auto usable = [](char c) {
        return c != '\n' && c != '\r' && c != '\0' && static_cast<unsigned char>(c) < 0x80;
    };
    return delimiter != quote && usable(delimiter) && usable(quote);
}

}  // namespace uio::formats
