// name_escape: how ucopy prints a file name anywhere a user or a program reads it —
// --itemize-changes lines, --check's text and JSON. rsync's escaping (its log.c): a byte
// that is not part of a valid UTF-8 sequence, and a control byte other than tab, is written
// as `\#ooo` (three octal digits); a backslash that starts `\#` and three digits is written
// as `\#134` so the escape stays reversible. Everything else, valid UTF-8 included, is
// written as is. The result is always valid UTF-8 without control bytes, so it goes into a
// JSON string unchanged but for JSON's own escapes.
//
//   escape_name("a\nb")       // "a\\#012b"
//   escape_name("\xff" "z")   // "\\#377z"
//
// One difference from rsync: glibc's iconv, which rsync's check relies on, takes the
// pre-2003 4- to 6-byte forms (code points above U+10FFFF) as characters; they are not UTF-8
// and are escaped here byte by byte.
#pragma once

#include <string>
#include <string_view>

namespace uio::fs {

void append_escaped_name(std::string_view name, std::string& out);
std::string escape_name(std::string_view name);

// `name` escaped, as a JSON string literal: always valid UTF-8.
std::string json_name(std::string_view name);

}  // namespace uio::fs
