// filter_rules: rsync's pattern rules one by one, and their order.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <system_error>

#include "filter_rules.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

using ucopy::filter_rules;
using ucopy::glob_match;

TEST_CASE("glob: '*' stays in a component, '**' crosses, '?', classes and escapes",
          "[filter_rules]") {
    CHECK(glob_match("*.c", "main.c"));
    CHECK_FALSE(glob_match("*.c", "src/main.c"));
    CHECK(glob_match("**.c", "src/main.c"));
    CHECK(glob_match("src/**", "src/a/b/c"));
    CHECK(glob_match("a?c", "abc"));
    CHECK_FALSE(glob_match("a?c", "a/c"));
    CHECK(glob_match("[a-c]x", "bx"));
    CHECK_FALSE(glob_match("[!a-c]x", "bx"));
    CHECK(glob_match("[^a-c]x", "dx"));
    CHECK(glob_match("\\*star", "*star"));
    CHECK_FALSE(glob_match("\\*star", "xstar"));
    CHECK(glob_match("[x", "[x"));  // an unclosed class is a literal '['
    // Backtracking patterns finish: the matcher is a table over positions, not a search.
    const std::string long_a(5000, 'a');
    CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", long_a));
    CHECK(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", long_a));
}

TEST_CASE("a pattern without '/' matches the name at any depth", "[filter_rules]") {
    filter_rules rules;
    rules.add_exclude("*.o");
    CHECK(rules.excluded("a.o", false));
    CHECK(rules.excluded("deep/er/b.o", false));
    CHECK_FALSE(rules.excluded("b.c", false));
    CHECK_FALSE(rules.excluded("x.o/inside.c", false));
}

TEST_CASE("'dir/' matches directories only; '/x' is anchored; 'a/b' matches path ends",
          "[filter_rules]") {
    filter_rules dirs;
    dirs.add_exclude("cache/");
    CHECK(dirs.excluded("cache", true));
    CHECK(dirs.excluded("x/cache", true));
    CHECK_FALSE(dirs.excluded("cache", false));  // a file of that name stays

    filter_rules anchored;
    anchored.add_exclude("/build");
    CHECK(anchored.excluded("build", true));
    CHECK_FALSE(anchored.excluded("src/build", true));

    filter_rules tail;
    tail.add_exclude("b/c");
    CHECK(tail.excluded("b/c", false));
    CHECK(tail.excluded("a/b/c", false));
    CHECK_FALSE(tail.excluded("ab/c", false));  // only at a component boundary

    filter_rules deep;
    deep.add_exclude("logs/**/*.gz");
    CHECK(deep.excluded("logs/2026/12/a.gz", false));
    CHECK(deep.excluded("app/logs/x/a.gz", false));
    CHECK_FALSE(deep.excluded("logs/a.txt", false));
}

TEST_CASE("the first matching rule wins", "[filter_rules]") {
    filter_rules keep_c;
    keep_c.add_rule("+ *.c");
    keep_c.add_rule("- *");
    CHECK_FALSE(keep_c.excluded("a.c", false));
    CHECK(keep_c.excluded("b.h", false));

    filter_rules reversed;
    reversed.add_rule("exclude *");
    reversed.add_rule("include *.c");
    CHECK(reversed.excluded("a.c", false));
    CHECK(reversed.excluded("b.h", false));

    filter_rules none;
    CHECK(none.empty());
    CHECK_FALSE(none.excluded("anything", false));
}

TEST_CASE("bad rules and unreadable rule files are refused with their name", "[filter_rules]") {
    filter_rules rules;
    CHECK_THROWS_WITH(rules.add_rule("? x"), Catch::Contains("'? x'"));
    CHECK_THROWS_AS(rules.add_rule("+"), std::invalid_argument);
    CHECK_THROWS_AS(rules.add_exclude("/"), std::invalid_argument);
    CHECK_THROWS_WITH(rules.add_exclude_from("/nonexistent/rules"),
                      Catch::Contains("/nonexistent/rules") && Catch::Contains("No such file"));
}

TEST_CASE("an exclude-from file holds patterns and rules, skipping comments", "[filter_rules]") {
    uio::testing::temp_dir work;
    ucopy_test::write_file(work / "rules", "# a comment\n; another\n\n+ keep.log\n*.log\r\n");
    filter_rules rules;
    rules.add_exclude_from(work / "rules");
    CHECK_FALSE(rules.excluded("keep.log", false));
    CHECK(rules.excluded("other.log", false));
    CHECK_FALSE(rules.excluded("# a comment", false));
}
