// COPY in and out: 1,000,000 rows with NULLs, quotes, newlines and UTF-8, byte-identical
// round trip in constant memory; a server error stops the feed and names the line.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "pg_test_support.hpp"
#include "uio/db/pg/connection.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;

namespace {

// Row i in COPY text format: id, a text with tabs/newlines/backslashes escaped, NULLs, UTF-8.
void append_row(std::string& out, int i) {
    out += std::to_string(i);
    out += '\t';
    switch (i % 5) {
        case 0:
            out += "\\N";
            break;  // NULL
        case 1:
            out += "he said \"hi\", 'ok'";
            break;  // quotes
        case 2:
            out += "line one\\nline two\\ttab \\\\ slash";
            break;  // newline, tab, backslash
        case 3:
            out += "Grüße, 日本語, emoji 🎉";
            break;  // UTF-8
        default:
            out += "plain " + std::to_string(i * 7);
            break;
    }
    out += '\t';
    out += (i % 3 == 0) ? "\\N" : std::to_string(i % 1000);
    out += '\n';
}

// The rows as ~64 KiB chunks that split rows at arbitrary points; counts what it made.
uio::async_generator<std::span<const std::byte>> rows(int n, std::string* all,
                                                      std::size_t* largest) {
    std::string chunk;
    for (int i = 0; i < n; ++i) {
        append_row(chunk, i);
        if (chunk.size() >= 65'000) {
            std::size_t cut = 65'000 - 17;  // mid-row on purpose
            std::string head = chunk.substr(0, cut);
            *all += head;
            *largest = std::max(*largest, head.size());
            co_yield std::as_bytes(std::span(head.data(), head.size()));
            chunk.erase(0, cut);
        }
    }
    *all += chunk;
    co_yield std::as_bytes(std::span(chunk.data(), chunk.size()));
}

uio::async_generator<std::span<const std::byte>> text_chunks(std::vector<std::string> parts) {
    for (auto& part : parts) co_yield std::as_bytes(std::span(part.data(), part.size()));
}

}  // namespace

TEST_CASE("COPY 1,000,000 rows in and out is a byte-identical round trip") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 10s);
        co_await conn.execute("create temp table c (id int primary key, t text, n int)");
        std::string sent;
        std::size_t largest = 0;
        constexpr int n = 1'000'000;
        std::int64_t copied = co_await conn.copy_in("copy c from stdin", rows(n, &sent, &largest));
        CHECK(copied == n);
        CHECK(largest <= 65'000);

        pg::result check = co_await conn.fetch(
            "select count(*) filter (where t is null), count(*) filter (where t like '%日本語%'), "
            "count(*) filter (where t like E'%\\n%') from c");
        CHECK(check[0][0].as<int>() == n / 5);
        CHECK(check[0][1].as<int>() == n / 5);
        CHECK(check[0][2].as<int>() == n / 5);

        std::string received;
        received.reserve(sent.size());
        std::int64_t rows_out = 0;
        std::size_t biggest_chunk = 0;
        auto out = conn.copy_out("copy (select * from c order by id) to stdout", &rows_out);
        while (auto chunk = co_await out.next()) {
            biggest_chunk = std::max(biggest_chunk, chunk->size());
            received.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
        }
        CHECK(rows_out == n);
        CHECK(biggest_chunk <= 128 * 1024);  // constant memory: bounded chunks
        CHECK(received.size() == sent.size());
        CHECK(received == sent);
    }());
}

TEST_CASE("a COPY error stops the feed at once and carries the line number") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        co_await conn.execute("create temp table e (id int, v text)");
        // Line 3 is bad; then a long tail of chunks we should not have to send.
        std::vector<std::string> parts = {"1\ta\n2\tb\n", "oops\tc\n"};
        for (int i = 0; i < 2000; ++i) parts.push_back(std::string(60'000, 'x') + "\n");
        int consumed = 0;
        auto source = [&]() -> uio::async_generator<std::span<const std::byte>> {
            for (auto& part : parts) {
                ++consumed;
                co_yield std::as_bytes(std::span(part.data(), part.size()));
            }
        };
        std::optional<std::int64_t> line;
        std::string state;
        try {
            co_await conn.copy_in("copy e from stdin", source());
        } catch (const pg::error& e) {
            line = e.copy_line();
            state = e.sqlstate();
        }
        CHECK(state == "22P02");
        CHECK(line == 3);
        CHECK(consumed < 2000);  // stopped well before the end of the source
        pg::result r = co_await conn.fetch("select count(*) from e");
        CHECK(r[0][0].as<int>() == 0);
        // A failing source aborts the COPY and rethrows its own error.
        auto failing = []() -> uio::async_generator<std::span<const std::byte>> {
            static const std::string row = "1\tz\n";
            co_yield std::as_bytes(std::span(row.data(), row.size()));
            throw std::runtime_error("source broke");
        };
        std::string what;
        try {
            co_await conn.copy_in("copy e from stdin", failing());
        } catch (const std::runtime_error& e) {
            what = e.what();
        }
        CHECK(what == "source broke");
        pg::result after = co_await conn.fetch("select count(*) from e");
        CHECK(after[0][0].as<int>() == 0);
    }());
}

TEST_CASE("COPY FROM a generator of plain chunks counts the rows") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto conn = co_await pg::connection::connect("", 5s);
        co_await conn.execute("create temp table s (v text)");
        std::vector<std::string> parts;
        parts.emplace_back("a\n\"b,\"\"c\"\"\"\n");
        parts.emplace_back("d\n");
        std::int64_t n =
            co_await conn.copy_in("copy s from stdin (format csv)", text_chunks(std::move(parts)));
        CHECK(n == 3);
        pg::result r = co_await conn.fetch("select v from s order by v");
        CHECK(r[1][0].as<std::string>() == "b,\"c\"");
    }());
}
