// csv_block_splitter: blocks of whole records whatever the chunking, quoted newlines kept
// inside their record, the first record alone, nothing lost or added.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "uio/db/etl/detail/csv_block_splitter.hpp"

namespace {

// Feeds `text` in pieces of `piece` bytes; returns the blocks.
std::vector<std::string> split(const std::string& text, std::size_t piece, std::size_t block) {
    uio::etl::csv_block_splitter splitter('"', block);
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size(); at += piece) {
        splitter.feed(std::string_view(text).substr(at, piece), out);
    }
    splitter.finish(out);
    return out;
}

// Whether `block` ends where a record ends: a line end outside quotes.
bool ends_at_record(const std::string& block) {
    bool quoted = false;
    for (char c : block) {
        if (c == '"') quoted = !quoted;
    }
    return !quoted && !block.empty() && block.back() == '\n';
}

}  // namespace

TEST_CASE("csv_block_splitter cuts only between records, whatever the chunks") {
    std::string csv = "id,\"multi\nline header\"\n";
    for (int i = 0; i < 500; ++i) {
        csv += std::to_string(i) + ",\"a \"\"quoted\"\"\nfield,\n\nwith newlines\"\n";
        csv += std::to_string(i) + ",plain\r\n";
    }
    csv += "last,\"no line end\"";
    for (std::size_t piece : {1, 7, 64, 4096, 1 << 20}) {
        for (std::size_t block : {1, 100, 5000}) {
            INFO("piece " << piece << ", block " << block);
            std::vector<std::string> blocks = split(csv, piece, block);
            REQUIRE(blocks.size() >= 2);
            CHECK(blocks.front() == "id,\"multi\nline header\"\n");
            std::string joined;
            for (std::size_t i = 0; i < blocks.size(); ++i) {
                joined += blocks[i];
                if (i + 1 < blocks.size()) {
                    CHECK(ends_at_record(blocks[i]));
                    if (i > 0) CHECK(blocks[i].size() >= block);
                }
            }
            CHECK(joined == csv);
            CHECK(blocks.back().ends_with("last,\"no line end\""));
        }
    }
}

TEST_CASE("csv_block_splitter: an unterminated quoted field goes out whole at the end") {
    std::vector<std::string> blocks = split("a\n1,\"open\n2,3\n", 3, 1);
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0] == "a\n");
    CHECK(blocks[1] == "1,\"open\n2,3\n");
    CHECK(split("", 1, 1).empty());
}
