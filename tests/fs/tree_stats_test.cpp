// tree_stats::json: --stats=json's object, its counts and "ok" from the errors.
#include <catch2/catch.hpp>
#include <string>

#include "uio/fs/tree_stats.hpp"

TEST_CASE("tree_stats as JSON: counts, strategies and ok", "[tree_stats]") {
    uio::fs::tree_stats stats;
    stats.files_done = 3;
    stats.bytes_copied = 4096;
    stats.strategies.linked_chain = 2;
    const std::string ok = stats.json(1.5);
    CHECK(ok.front() == '{');
    CHECK(ok.back() == '}');
    CHECK(ok.find("\"files\":3,") != std::string::npos);
    CHECK(ok.find("\"bytes\":4096,") != std::string::npos);
    CHECK(ok.find("\"linked_chain\":2,") != std::string::npos);
    CHECK(ok.find("\"seconds\":1.500000,") != std::string::npos);
    CHECK(ok.find("\"ok\":true}") != std::string::npos);
    stats.errors = 1;
    CHECK(stats.json(1.5).find("\"errors\":1,") != std::string::npos);
    CHECK(stats.json(1.5).find("\"ok\":false}") != std::string::npos);
}
