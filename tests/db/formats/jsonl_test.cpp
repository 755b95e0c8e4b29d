// JSON Lines: values keep their kind and exact text through a round trip; chunk splits do
// not matter; errors point at line:column.
#include "uio/db/formats/jsonl.hpp"

#include <chrono>
#include <cstdio>

#include "test_support.hpp"

namespace formats = uio::formats;
using formats::json_field;
using formats::json_kind;

namespace {

struct owned_field {
    json_kind kind;
    std::string text;
    friend bool operator==(const owned_field&, const owned_field&) = default;
};
using jsonl_row = std::vector<owned_field>;

std::vector<jsonl_row> parse_jsonl(std::string_view input, std::size_t chunk = 0,
                                   std::vector<std::string>* columns = nullptr) {
    formats::jsonl_reader reader("events.jsonl");
    std::vector<jsonl_row> rows;
    auto take = [&](const formats::jsonl_batch& b) {
        for (std::size_t i = 0; i < b.size(); ++i) {
            jsonl_row r;
            for (std::size_t c = 0; c < b[i].size(); ++c) {
                r.push_back({b[i][c].kind, std::string(b[i][c].text)});
            }
            rows.push_back(std::move(r));
        }
    };
    if (chunk == 0) chunk = input.size() + 1;
    for (std::size_t i = 0; i < input.size(); i += chunk) take(reader.feed(input.substr(i, chunk)));
    take(reader.finish());
    if (columns) *columns = reader.columns();
    return rows;
}

std::string jsonl_error_of(std::string_view input) {
    try {
        parse_jsonl(input);
    } catch (const formats::parse_error& e) {
        return e.location_message();
    }
    return "no error";
}

}  // namespace

TEST_CASE("jsonl: keys become columns, kinds and exact number text are kept") {
    std::vector<std::string> columns;
    auto rows = parse_jsonl(
        "\xEF\xBB\xBF{\"id\": 1, \"name\": \"ann\", \"score\": 1.50, \"ok\": true}\r\n"
        "\n"
        "{\"name\": \"\", \"id\": -0.0e+10, \"extra\": {\"a\": [1, \"x\"]}, \"ok\": null}\n"
        "{\"id\": 12345678901234567890123}",
        0, &columns);
    CHECK(columns == std::vector<std::string>{"id", "name", "score", "ok", "extra"});
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == jsonl_row{{json_kind::number, "1"},
                               {json_kind::string, "ann"},
                               {json_kind::number, "1.50"},
                               {json_kind::boolean, "true"}});
    CHECK(rows[1][0] == owned_field{json_kind::number, "-0.0e+10"});
    CHECK(rows[1][1] == owned_field{json_kind::string, ""});      // empty string, not null
    CHECK(rows[1][2] == owned_field{json_kind::null_value, ""});  // absent: null
    CHECK(rows[1][3] == owned_field{json_kind::null_value, ""});
    CHECK(rows[1][4] == owned_field{json_kind::raw, "{\"a\": [1, \"x\"]}"});
    CHECK(rows[2][0].text == "12345678901234567890123");  // no precision lost
}

TEST_CASE("jsonl: a batch with the next one appended reads as both, in order") {
    const std::string input = "{\"a\":1,\"b\":\"x\"}\n{\"b\":null}\n{\"a\":[2],\"b\":\"last\"}";
    formats::jsonl_reader reader;
    formats::jsonl_batch batch = reader.feed(input);
    REQUIRE(batch.size() == 2);
    batch.append(reader.finish());
    REQUIRE(batch.size() == 3);
    CHECK(batch[0][1] == json_field{json_kind::string, "x"});
    CHECK(batch[1][1].is_null());
    CHECK(batch[2][0] == json_field{json_kind::raw, "[2]"});
    CHECK(batch[2][1] == json_field{json_kind::string, "last"});
    CHECK(batch[2].line() == 3);
    formats::jsonl_batch empty;
    empty.append(std::move(batch));
    CHECK(empty.size() == 3);
}

TEST_CASE("jsonl: strings unescape, including surrogate pairs, and round trip") {
    std::string big(1 << 20, 'y');
    big[500] = '"';
    big[70000] = '\n';
    std::vector<std::vector<json_field>> rows = {
        {{json_kind::string, "quote \" backslash \\ slash / tab \t nl \n cr \r"},
         {json_kind::null_value, ""},
         {json_kind::string, ""}},
        {{json_kind::string, "caf\xC3\xA9 \xF0\x9F\x98\x80 \x01"},
         {json_kind::number, "3.14159265358979323846"},
         {json_kind::raw, "[1,{\"k\":null}]"}},
        {{json_kind::string, big}, {json_kind::boolean, "false"}, {json_kind::string, "NULL"}},
    };
    formats::jsonl_writer writer({"a", "b\"c", "d"});
    std::string out;
    for (const auto& r : rows) writer.write_row(r, out);
    for (std::size_t chunk : {std::size_t{0}, std::size_t{7}, std::size_t{4096}}) {
        std::vector<std::string> columns;
        auto back = parse_jsonl(out, chunk, &columns);
        CHECK(columns == std::vector<std::string>{"a", "b\"c", "d"});
        REQUIRE(back.size() == rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            for (std::size_t c = 0; c < 3; ++c) {
                CHECK(back[i][c] == owned_field{rows[i][c].kind, std::string(rows[i][c].text)});
            }
        }
    }
    auto escaped = parse_jsonl("{\"s\": \"\\ud83d\\ude00 \\u00e9\\/\"}");
    CHECK(escaped[0][0].text == "\xF0\x9F\x98\x80 \xC3\xA9/");
}

TEST_CASE("jsonl: every split point of a small input parses identically") {
    const std::string input =
        "{\"a\":\"x\\ny\",\"b\":[1,2]}\r\n{\"a\":\"\xE2\x9C\x93\",\"b\":null}\n{\"b\":2}";
    const auto whole = parse_jsonl(input);
    REQUIRE(whole.size() == 3);
    for (std::size_t split = 0; split <= input.size(); ++split) {
        formats::jsonl_reader reader;
        std::size_t rows = reader.feed(std::string_view(input).substr(0, split)).size();
        rows += reader.feed(std::string_view(input).substr(split)).size();
        rows += reader.finish().size();
        CHECK(rows == 3);
    }
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk)
        CHECK(parse_jsonl(input, chunk) == whole);
}

TEST_CASE("jsonl: errors name the exact line and column") {
    CHECK(jsonl_error_of("{\"a\":1}\n[1]\n") == "events.jsonl:2:1: expected a JSON object ('{')");
    CHECK(jsonl_error_of("{\"a\":1}\n{\"a\":1,}\n") ==
          "events.jsonl:2:8: expected a key (a string)");
    CHECK(jsonl_error_of("{\"a\": tru}") == "events.jsonl:1:7: invalid value");
    CHECK(jsonl_error_of("{\"a\": \"x}") == "events.jsonl:1:7: unterminated string");
    CHECK(jsonl_error_of("{\"a\": 1, \"a\": 2}") == "events.jsonl:1:10: duplicate key \"a\"");
    // Keys are first looked for at their position in the previous rows: duplicates are still
    // caught when a key's position matches, or when it does not.
    CHECK(jsonl_error_of("{\"a\":1,\"b\":2}\n{\"a\":1,\"a\":2}") ==
          "events.jsonl:2:8: duplicate key \"a\"");
    CHECK(jsonl_error_of("{\"a\":1,\"b\":2}\n{\"b\":1,\"b\":2}") ==
          "events.jsonl:2:8: duplicate key \"b\"");
    CHECK(jsonl_error_of("{\"\xC3\xA9\": \"\xFF\"}") == "events.jsonl:1:8: invalid UTF-8");
    CHECK(jsonl_error_of("{\"a\": \"\\ud800x\"}") == "events.jsonl:1:8: unpaired surrogate escape");
    CHECK(jsonl_error_of("{\"a\": 01}") == "events.jsonl:1:8: expected ',' or '}'");
    CHECK(jsonl_error_of("{\"a\": 1} x") == "events.jsonl:1:10: unexpected text after the object");
    CHECK(jsonl_error_of(std::string("{\"a\": \"x\0\"}", 11)) == "events.jsonl:1:9: NUL byte");
    CHECK(jsonl_error_of("{\"a\": 1, \"\": 2}") ==
          "events.jsonl:1:10: an empty key names no column");
}

TEST_CASE("jsonl: parse speed (informational)") {
#ifdef UIO_SANITIZED
    const std::size_t size = 8 << 20;  // a sanitizer's speed means nothing: the same path, shorter
#else
    const std::size_t size = 32 << 20;
#endif
    std::string input;
    for (int i = 0; input.size() < size; ++i) {
        input += "{\"id\":" + std::to_string(i) + ",\"name\":\"customer " + std::to_string(i * 7) +
                 "\",\"amount\":" + std::to_string(i * 0.25) +
                 ",\"note\":\"quoted, with \\\"escapes\\\"\"}\n";
    }
    formats::jsonl_reader reader;
    auto start = std::chrono::steady_clock::now();
    std::size_t rows = 0;
    for (std::size_t i = 0; i < input.size(); i += 1 << 20) {
        rows += reader.feed(std::string_view(input).substr(i, 1 << 20)).size();
    }
    rows += reader.finish().size();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("jsonl parse: %.1f MB in %.3f s = %.0f MB/s, %zu rows\n", input.size() / 1e6, s,
                input.size() / 1e6 / s, rows);
    CHECK(rows > 0);
}
