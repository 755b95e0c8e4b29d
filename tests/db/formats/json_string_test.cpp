// formats::json_string: the escaping every JSON writer in uio uses.
#include "uio/db/formats/json_string.hpp"

#include "test_support.hpp"

using uio::formats::json_string;

TEST_CASE("json_string quotes and escapes what JSON requires, and nothing else") {
    CHECK(json_string("") == "\"\"");
    CHECK(json_string("plain text") == "\"plain text\"");
    CHECK(json_string("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(json_string("a\nb\tc\r\b\f") == "\"a\\nb\\tc\\r\\b\\f\"");
    CHECK(json_string(std::string_view("\x01\x1f\0", 3)) == "\"\\u0001\\u001f\\u0000\"");
    CHECK(json_string("caf\xC3\xA9 \xE2\x82\xAC") ==
          "\"caf\xC3\xA9 \xE2\x82\xAC\"");  // UTF-8 as is
    CHECK(json_string("/\x7f") == "\"/\x7f\"");
}

TEST_CASE("append_json_string appends to what is already there") {
    std::string out = "{\"k\": ";
    uio::formats::append_json_string("v", out);
    CHECK(out == "{\"k\": \"v\"");
}
