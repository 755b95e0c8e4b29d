// name_set: membership exactly as the names given, whatever their number or likeness.
#include "uio/fs/walker/name_set.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

TEST_CASE("name_set holds exactly its names") {
    const std::vector<std::string> none;
    CHECK_FALSE(uio::fs::name_set(none).contains("a"));
    CHECK_FALSE(uio::fs::name_set(none).contains(""));

    // Names alike in all but their last characters, and more of them than any first table.
    std::vector<std::string> names;
    for (int i = 0; i < 5000; i += 2) names.push_back("f" + std::to_string(100000 + i));
    names.push_back("");
    names.push_back("a name with spaces");
    const uio::fs::name_set set(names);
    int wrong = 0;
    for (int i = 0; i < 5000; ++i) {
        const bool expected = i % 2 == 0;
        if (set.contains("f" + std::to_string(100000 + i)) != expected) ++wrong;
    }
    CHECK(wrong == 0);
    CHECK(set.contains(""));
    CHECK(set.contains("a name with spaces"));
    CHECK_FALSE(set.contains("a name with spaces "));
    CHECK_FALSE(set.contains("f1000000"));
}
