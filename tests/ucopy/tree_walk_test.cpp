// Units of the engine that need no binary: temporary names and cp's path arithmetic.
#include <catch2/catch.hpp>

#include "copy_plan.hpp"
#include "tree_walk.hpp"

TEST_CASE("temporary names are recognised, and only they") {
    std::string a = ucopy::temp_name(), b = ucopy::temp_name();
    CHECK(a != b);
    CHECK(ucopy::is_temp_name(a));
    CHECK_FALSE(ucopy::is_temp_name(".ucopy-.tmp"));
    CHECK_FALSE(ucopy::is_temp_name(".ucopy-notes.tmp"));
    CHECK_FALSE(ucopy::is_temp_name("ucopy-1-2.tmp"));
    CHECK_FALSE(ucopy::is_temp_name(".ucopy-1-2.tmp.bak"));
}

TEST_CASE("base_name and dir_prefix follow cp's reading of paths") {
    CHECK(ucopy::base_name("a/b/") == "b");
    CHECK(ucopy::base_name("b") == "b");
    CHECK(ucopy::base_name("/") == "/");
    CHECK(ucopy::dir_prefix("a/b") == "a/");
    CHECK(ucopy::dir_prefix("b") == "");
    CHECK(ucopy::dir_prefix("/x") == "/");
}
