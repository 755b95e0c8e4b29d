// copy_text_unescaper: undoes COPY's text escapes for row_to_json lines — `\\` is a
// backslash, an escaped control character (only JSON whitespace can occur) is a space, raw
// line ends count rows — however the chunks split the stream, and against a real server's
// COPY output.
#include "uio/db/etl/detail/copy_text.hpp"

#include <chrono>

#include "etl_pg_support.hpp"
#include "uio/db/pg/connection.hpp"

using uio::etl::copy_text_unescaper;
using namespace std::string_literals;

namespace {

struct unescaped {
    std::string text;
    std::uint64_t rows = 0;
};

unescaped unescape(std::string_view input) {
    copy_text_unescaper u;
    unescaped out;
    out.rows = u.feed(input, out.text);
    return out;
}

// The same input fed in pieces of `piece` bytes: must not differ from one piece.
unescaped unescape_in_pieces(std::string_view input, std::size_t piece) {
    copy_text_unescaper u;
    unescaped out;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        out.rows += u.feed(input.substr(at, piece), out.text);
    }
    return out;
}

}  // namespace

TEST_CASE("COPY escapes: a doubled backslash is one, escaped control characters are spaces") {
    // What COPY sends for the JSON {"s":"a\"b\\c\nd"} with a newline and a tab between tokens.
    const std::string sent = R"({"s":"a\\"b\\\\c\\nd",\n\t"t":1})"
                             "\n";
    const unescaped out = unescape(sent);
    CHECK(out.text == R"({"s":"a\"b\\c\nd",  "t":1})"
                      "\n");
    CHECK(out.rows == 1);

    CHECK(unescape(R"(a\tb\rc\nd\be\ff\vg)").text == "a b c d e f g");
    CHECK(unescape(R"(\\)").text == R"(\)");
    CHECK(unescape(R"(\\\\n)").text == R"(\\n)");
    CHECK(unescape(R"(\\\n)").text == R"(\ )");
    // COPY's NULL marker never reaches here (row_to_json of a row is never NULL; see the
    // server test below); like any other escape it would not split the line.
    CHECK(unescape(R"(\N)").text == " ");
}

TEST_CASE("only raw line ends count as rows, and text without escapes passes through as it is") {
    const std::string text = "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80, a\0b, \x01\x7f\xff\n"s;
    const unescaped plain = unescape(text);
    CHECK(plain.text == text);  // UTF-8, an embedded NUL and other bytes are not COPY's concern
    CHECK(plain.rows == 1);
    CHECK(unescape("{}\n{}\n{}\n").rows == 3);
    CHECK(unescape(R"({"a":"x\\ny"}\n)").rows == 0);  // an escaped newline ends no row
    CHECK(unescape("").text.empty());
    CHECK(unescape("no line end").rows == 0);
}

TEST_CASE("an escape split between chunks is completed by the next chunk") {
    const std::string sent = R"({"p":"C:\\\\dir\\\\f\\"x\\"",\n"q":"\\u00e9\\n"})"
                             "\n"
                             R"({"r":"\\\\"})"
                             "\n"
                             "\\\\\\\\\\t\n";
    const unescaped whole = unescape(sent);
    CHECK(whole.text == R"({"p":"C:\\dir\\f\"x\"", "q":"\u00e9\n"})"
                        "\n"
                        R"({"r":"\\"})"
                        "\n"
                        "\\\\ \n");
    CHECK(whole.rows == 3);
    for (std::size_t piece = 1; piece <= 8; ++piece) {
        INFO("pieces of " << piece << " bytes");
        const unescaped pieces = unescape_in_pieces(sent, piece);
        CHECK(pieces.text == whole.text);
        CHECK(pieces.rows == whole.rows);
    }
    // A chunk that is only a backslash, then one that is only its second half.
    copy_text_unescaper u;
    std::string out;
    CHECK(u.feed("a\\", out) == 0);
    CHECK(out == "a");
    CHECK(u.feed("\\", out) == 0);
    CHECK(out == "a\\");
    CHECK(u.feed("\\", out) == 0);
    CHECK(u.feed("n\n", out) == 1);
    CHECK(out == "a\\ \n");
}

TEST_CASE("row_to_json through a real COPY unescapes to the server's own JSON, one row a line") {
    uio::testing::require_cluster();
    uio::testing::pg_exec(R"(
        DROP TABLE IF EXISTS copy_text_rows;
        CREATE TABLE copy_text_rows (id int, s text, j json);
        INSERT INTO copy_text_rows VALUES
          (1, E'back\\slash \\\\ two', '{"k": "v"}'),
          (2, E'tab\there, line\nend, cr\rhere', E'{\n\t"nested":\r\n [1, 2]\n}'),
          (3, E'quote " and \\" and \\n as text', '"C:\\\\dir"'),
          (4, E'caf\u00e9 \u2713 \U0001F600 \u0001\u001f', '[]'),
          (5, '', 'null'),
          (6, NULL, NULL),
          (7, E'\\N', '"\\\\N"'),
          (8, E'trailing backslash \\', '"\\\\"');
    )");
    // What the server says each row is, with the whitespace between tokens that json kept as
    // written (\n, \r, \t) turned into spaces.
    std::string expected = uio::testing::pg_column(
        "SELECT translate(row_to_json(t)::text, E'\\n\\r\\t', '   ') "
        "FROM copy_text_rows t ORDER BY id");
    for (char& c : expected) {
        if (c == '|') c = '\n';  // pg_column joins rows with '|'; no row here contains one
    }
    expected += '\n';

    std::string sent, same;
    std::uint64_t rows = 0;
    uio::run([&]() -> uio::task<void> {
        auto conn = co_await uio::pg::connection::connect("", std::chrono::seconds(10));
        auto chunks = conn.copy_out(
            "COPY (SELECT row_to_json(t) FROM (SELECT * FROM copy_text_rows ORDER BY id) t) "
            "TO STDOUT");
        copy_text_unescaper u;
        std::string lines;
        while (auto chunk = co_await chunks.next()) {
            std::string_view text(reinterpret_cast<const char*>(chunk->data()), chunk->size());
            sent += text;
            rows += u.feed(text, lines);
        }
        // Each line is JSON the server reads back as the row it came from.
        if (!lines.empty()) lines.pop_back();
        uio::pg::result r = co_await conn.fetch(
            "SELECT count(*) = 8 AND bool_and(l.line::jsonb = row_to_json(t)::jsonb) "
            "FROM unnest(string_to_array($1, E'\\n')) WITH ORDINALITY AS l(line, n) "
            "JOIN copy_text_rows t ON t.id = l.n",
            lines);
        same = r[0][0].is_null() ? "<NULL>" : std::string(r[0][0].text());
    }());
    REQUIRE(sent.find('\\') != std::string::npos);  // the server did escape something
    // No row is NULL: COPY's NULL marker is never a whole line.
    CHECK(("\n" + sent).find("\n\\N\n") == std::string::npos);
    CHECK(rows == 8);
    CHECK(same == "t");

    const unescaped whole = unescape(sent);
    CHECK(whole.text == expected);
    CHECK(whole.rows == 8);
    for (std::size_t piece : {1, 2, 3, 7}) {
        INFO("pieces of " << piece << " bytes");
        const unescaped pieces = unescape_in_pieces(sent, piece);
        CHECK(pieces.text == expected);
        CHECK(pieces.rows == 8);
    }
    uio::testing::pg_exec("DROP TABLE copy_text_rows");
}
