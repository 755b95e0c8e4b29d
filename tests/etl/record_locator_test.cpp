// record_locator: records with quoted newlines, doubled quotes, CRLF, and every chunk split.
// The line numbers are the ones PostgreSQL 15 reports (checked by the COPY tests too).
#include <catch2/catch.hpp>

#include <string>

#include "record_locator.hpp"

using uio::etl::record_locator;

namespace {
std::optional<std::uint64_t> locate(std::string_view text, std::uint64_t line, std::size_t chunk) {
    record_locator locator(line);
    bool done = false;
    for (std::size_t at = 0; at < text.size() && !done; at += chunk) {
        done = locator.feed(text.substr(at, chunk));
    }
    locator.finish();
    return locator.record_start();
}
}  // namespace

TEST_CASE("a line maps to the start of the record that holds it") {
    // Lines: 1 header; 2-3 one record; 4 a doubled quote; 5-7 one record; 8 without newline.
    std::string csv = "id,text\r\n1,\"two\nlines\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"a\n\nb\"\r\n4,x";
    for (std::size_t chunk = 1; chunk <= csv.size(); ++chunk) {
        INFO("chunk size " << chunk);
        CHECK(locate(csv, 1, chunk) == 1u);
        CHECK(locate(csv, 2, chunk) == 2u);
        CHECK(locate(csv, 3, chunk) == 2u);
        CHECK(locate(csv, 4, chunk) == 4u);
        CHECK(locate(csv, 5, chunk) == 5u);
        CHECK(locate(csv, 7, chunk) == 5u);
        CHECK(locate(csv, 8, chunk) == 8u);
        CHECK_FALSE(locate(csv, 9, chunk).has_value());
    }
}

TEST_CASE("another quote character is honoured") {
    record_locator second(2, '\'');
    second.feed("a,'x\n\"y'\nb\n");
    CHECK(second.record_start() == 1u);
    record_locator third(3, '\'');
    third.feed("a,'x\n\"y'\nb\n");
    CHECK(third.record_start() == 3u);
}
