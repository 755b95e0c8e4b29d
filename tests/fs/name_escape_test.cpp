// name_escape: rsync's escaping of names, byte by byte (the expected strings are what rsync
// 3.x prints for these names), and JSON that stays valid UTF-8 whatever the name holds.
#include "uio/fs/name_escape.hpp"

#include <catch2/catch.hpp>

#include <uio/db/formats/utf8.hpp>

using uio::fs::escape_name;
using uio::fs::json_name;

namespace {

bool valid_utf8(std::string_view s) {
    while (!s.empty()) {
        const std::size_t n = uio::formats::utf8_sequence_length(s);
        if (n == 0) return false;
        s.remove_prefix(n);
    }
    return true;
}

}  // namespace

TEST_CASE("names are escaped as rsync escapes them", "[name_escape]") {
    CHECK(escape_name("plain name.txt") == "plain name.txt");
    CHECK(escape_name("a\nb") == "a\\#012b");
    CHECK(escape_name("c\001") == "c\\#001");
    CHECK(escape_name("tab\tkept") == "tab\tkept");  // rsync leaves tabs alone
    CHECK(escape_name("del\177") == "del\177");      // and DEL
    CHECK(escape_name("\377z") == "\\#377z");
    CHECK(escape_name("half\303x") == "half\\#303x");
    CHECK(escape_name("cut\342\202") == "cut\\#342\\#202");
    CHECK(escape_name("\300\200overlong") == "\\#300\\#200overlong");
    CHECK(escape_name("\355\240\200surrogate") == "\\#355\\#240\\#200surrogate");
    CHECK(escape_name("\200lone") == "\\#200lone");
    CHECK(escape_name("utf8-\303\251-\342\202\254-\360\237\230\200") ==
          "utf8-\303\251-\342\202\254-\360\237\230\200");
    CHECK(escape_name("\302\200c1") == "\302\200c1");  // valid UTF-8, printed as is
}

TEST_CASE("a backslash that would read as an escape is escaped itself", "[name_escape]") {
    CHECK(escape_name("q\\#123") == "q\\#134#123");
    CHECK(escape_name("end\\#12") == "end\\#12");  // not three digits: as is
    CHECK(escape_name("bs\\x") == "bs\\x");
    CHECK(escape_name("\\#999") == "\\#134#999");
}

TEST_CASE("JSON names are valid UTF-8 whatever the bytes", "[name_escape]") {
    std::string every_byte;
    for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
    const std::string json = json_name(every_byte);
    CHECK(valid_utf8(json));
    for (unsigned char c : json) CHECK(c >= 0x20);
    CHECK(json_name("a\nb\"c\\d\377") == "\"a\\\\#012b\\\"c\\\\d\\\\#377\"");
}
