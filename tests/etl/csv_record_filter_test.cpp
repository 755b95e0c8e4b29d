// csv_record_filter: records left out by their start line, whatever the chunking, and the
// server's line of the filtered stream mapped back to the file (PostgreSQL's counting).
#include <catch2/catch.hpp>

#include "uio/db/etl/detail/copy_end_marker.hpp"
#include "uio/db/etl/detail/csv_record_filter.hpp"

using uio::etl::csv_record_filter;

namespace {

std::string filter_all(const std::string& text, const std::vector<std::uint64_t>& skip,
                       std::size_t chunk) {
    csv_record_filter f('"', skip);
    std::string out;
    for (std::size_t at = 0; at < text.size(); at += chunk) f.feed(text.substr(at, chunk), &out);
    f.finish();
    return out;
}

// The filter keeps a reference to its skip list, which must outlive it.
const std::vector<std::uint64_t> no_skips;

std::optional<std::uint64_t> locate(const std::string& text, const std::vector<std::uint64_t>& skip,
                                    std::uint64_t line, std::size_t chunk = 1 << 20,
                                    char quote = '"') {
    csv_record_filter f(quote, skip, line);
    for (std::size_t at = 0; at < text.size() && !f.record_start(); at += chunk) {
        f.feed(text.substr(at, chunk), nullptr);
    }
    f.finish();
    return f.record_start();
}

}  // namespace

TEST_CASE("records starting on skipped lines are left out, in any chunking") {
    std::string csv = "h1,h2\n1,\"a\nb\"\n2,\"x\"\"y\"\n3,c\n4,\"d\ne\nf\"\n5,z";
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
        INFO(chunk);
        CHECK(filter_all(csv, {}, chunk) == csv);
        CHECK(filter_all(csv, {2, 5}, chunk) == "h1,h2\n2,\"x\"\"y\"\n4,\"d\ne\nf\"\n5,z");
        CHECK(filter_all(csv, {6, 9}, chunk) == "h1,h2\n1,\"a\nb\"\n2,\"x\"\"y\"\n3,c\n");
        CHECK(filter_all(csv, {3}, chunk) ==
              csv);  // line 3 is inside a record: no record starts there
    }
}

TEST_CASE("the server's line of the filtered stream maps to where the record starts") {
    std::string csv = "h\n1,\"a\nb\"\nbad,x\n3,\"c\nd\"\nbad2,y\n";
    // Unfiltered: "bad" ends on line 4, "bad2" on line 7.
    CHECK(locate(csv, {}, 4) == 4u);
    CHECK(locate(csv, {}, 7) == 7u);
    CHECK(locate(csv, {}, 3) == 2u);  // inside the record that starts on line 2
    // With line 4 left out, the stream's line 6 is the file's line 7.
    CHECK(locate(csv, {4}, 6) == 7u);
    // PostgreSQL does not count newlines inside the first record's quotes (it has not yet
    // seen a line end): with no header, the record ending on file line 3 is its line 2.
    std::string no_header = "1,\"a\nb\"\nbad,x\n";
    CHECK(locate(no_header, {}, 2) == 3u);
}

TEST_CASE("an input ending inside quotes is unterminated") {
    csv_record_filter f('"', no_skips);
    f.feed("a,\"open\nstill open\n", nullptr);
    f.finish();
    CHECK(f.unterminated());
}

TEST_CASE("line mapping: CRLF, doubled quotes, a last line without newline, any chunking") {
    // Lines: 1 header; 2-3 one record; 4 a doubled quote; 5-7 one record; 8 without newline.
    std::string csv = "id,text\r\n1,\"two\nlines\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"a\n\nb\"\r\n4,x";
    for (std::size_t chunk = 1; chunk <= csv.size(); ++chunk) {
        INFO("chunk size " << chunk);
        CHECK(locate(csv, {}, 1, chunk) == 1u);
        CHECK(locate(csv, {}, 2, chunk) == 2u);
        CHECK(locate(csv, {}, 3, chunk) == 2u);
        CHECK(locate(csv, {}, 4, chunk) == 4u);
        CHECK(locate(csv, {}, 5, chunk) == 5u);
        CHECK(locate(csv, {}, 7, chunk) == 5u);
        CHECK(locate(csv, {}, 8, chunk) == 8u);
        CHECK_FALSE(locate(csv, {}, 9, chunk).has_value());
    }
    // Another quote character; the first record's quoted newline is not counted by the server.
    CHECK(locate("a,'x\n\"y'\nb\n", {}, 1, 100, '\'') == 1u);
    CHECK(locate("a,'x\n\"y'\nb\n", {}, 2, 100, '\'') == 3u);
}

TEST_CASE("skip_blank leaves empty lines out, in any chunking, and maps lines past them") {
    const std::string csv = "h1,h2\n\n1,\"a\n\nb\"\n\r\n2,x\n\n";
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 1000u}) {
        INFO(chunk);
        csv_record_filter f('"', no_skips, 0, true);
        std::string out;
        for (std::size_t at = 0; at < csv.size(); at += chunk) f.feed(csv.substr(at, chunk), &out);
        f.finish();
        // An empty line inside quotes is data; "\r\n" split between chunks is kept (it
        // would need the previous chunk back), whole it is left out.
        if (chunk == 1) {
            CHECK(out == "h1,h2\n1,\"a\n\nb\"\n\r\n2,x\n");
            CHECK(f.blank_lines() == 2);
        } else {
            CHECK(out == "h1,h2\n1,\"a\n\nb\"\n2,x\n");
            CHECK(f.blank_lines() == 3);
        }
    }
    // The server's line 5 of the filtered stream ("2,x") is the file's line 7.
    csv_record_filter f('"', no_skips, 5, true);
    f.feed(csv, nullptr);
    f.finish();
    CHECK(f.record_start() == 7);
}

TEST_CASE("copy_end_marker_guard finds a line \\. at its line, in any chunking") {
    const std::string text = "a\n\\.x\nb\"\\.\"\n\\.\r\nc\n";
    for (std::size_t chunk : {1u, 2u, 3u, 4u, 5u, 100u}) {
        INFO(chunk);
        uio::etl::copy_end_marker_guard guard;
        std::string message;
        try {
            for (std::size_t at = 0; at < text.size(); at += chunk) {
                guard.feed(std::string_view(text).substr(at, chunk), "f.csv");
            }
            guard.finish("f.csv");
        } catch (const std::exception& e) {
            message = e.what();
        }
        CHECK_THAT(message, Catch::StartsWith("f.csv:4: a line \\. is"));
    }
    for (const char* ok : {"\\.x\n", "a\n\\\\.\n", "a,\"\\.\"\n"}) {
        uio::etl::copy_end_marker_guard guard;
        CHECK_NOTHROW(guard.feed(ok, "f.csv"));
        CHECK_NOTHROW(guard.finish("f.csv"));
    }
    uio::etl::copy_end_marker_guard first;
    CHECK_THROWS(first.feed("\\.\n", "f.csv"));
    uio::etl::copy_end_marker_guard last;
    last.feed("a\n\\.", "f.csv");
    CHECK_THROWS(last.finish("f.csv"));
}
