// JSON string literals per RFC 8259: escapes " and \ and control bytes (as \n, \t ... where
// JSON has a short form, else \u00XX); UTF-8 passes through unchanged.
//
//   formats::json_string("a\"b\n")   // "\"a\\\"b\\n\""
#pragma once

#include <string>
#include <string_view>

namespace uio::formats {

// Appends `text` as a JSON string literal.
void append_json_string(std::string_view text, std::string& out);

// `text` as a JSON string literal.
std::string json_string(std::string_view text);

}  // namespace uio::formats
