// text_format_field: one field of PostgreSQL's text format (COPY ... FORMAT text, our .tsv)
// decoded as COPY FROM decodes it: \t \n \r \\ \b \f \v, \NNN octal, \xHH hex (\x without a
// hex digit is an x), a backslash before any other character stands for that character.
// Shared by tsv_reader (which refuses what cannot be decoded, at its line and column) and
// csv_value_check (which leaves such a field to the server).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace uio::formats {

struct text_field_decoding {
    const char* error = nullptr;  // why the field cannot be decoded, else null
    std::size_t error_at = 0;     // where in the field: the backslash of the bad escape
    bool escaped = false;         // whether it had an escape (then UTF-8 is worth a check)
};

// Appends the value of `field` (not NULL: compare the raw text with the NULL string first)
// to `out`; stops at the first escape it cannot decode (a lone backslash at the end, a NUL).
text_field_decoding decode_text_field(std::string_view field, std::string& out);

// Where the field starting at `from` of `line` ends: the next `delimiter` that no backslash
// escapes (COPY reads "\<TAB>" as a TAB), or npos at the end of the line.
std::size_t text_field_end(std::string_view line, std::size_t from, char delimiter) noexcept;

}  // namespace uio::formats
