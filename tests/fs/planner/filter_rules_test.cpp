// filter_rules: rsync's pattern rules one by one, and their order. The expectations were
// checked against rsync 3.x (`rsync -rn --out-format=%n -f RULE`) on a tree of such names.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <system_error>

#include "test_support.hpp"
#include "ucopy_harness.hpp"
#include "uio/fs/planner/filter_rules.hpp"

using uio::fs::filter_rules;
using uio::fs::glob_match;

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
    CHECK(glob_match("[]x]", "]"));  // a ']' first is a member
    CHECK(glob_match("[\\]]", "]"));
    CHECK(glob_match("[a-c-e]", "-"));  // after a range, '-' is itself
    CHECK_FALSE(glob_match("[a-c-e]", "d"));
    CHECK(glob_match("[[:digit:]][[:upper:][:punct:]]", "7Z"));
    CHECK(glob_match("[[:digit:]][[:upper:][:punct:]]", "7_"));
    CHECK_FALSE(glob_match("[[:digit:]][[:upper:][:punct:]]", "7z"));
    CHECK(glob_match("[[:alpha]x", ":x"));     // no ":]": a plain '[' and the rest as members
    CHECK_FALSE(glob_match("a[!x]b", "a/b"));  // a class never matches '/', negated or not
    CHECK_FALSE(glob_match("a[/]b", "a/b"));
    // '\' escapes only in a pattern with a wildcard; otherwise it is a plain character.
    CHECK(glob_match("a\\b", "a\\b"));
    CHECK(glob_match("a\\b*", "ab"));
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
    CHECK_FALSE(tail.excluded("c", false));

    filter_rules one_level;  // as many components as the pattern has, no more
    one_level.add_exclude("foo/*");
    CHECK(one_level.excluded("foo/a", false));
    CHECK(one_level.excluded("x/foo/a", false));
    CHECK_FALSE(one_level.excluded("foo/a/b", false));

    filter_rules deep;
    deep.add_exclude("logs/**/*.gz");
    CHECK(deep.excluded("logs/2026/12/a.gz", false));
    CHECK(deep.excluded("app/logs/x/a.gz", false));
    CHECK_FALSE(deep.excluded("logs/a.txt", false));
    CHECK_FALSE(deep.excluded("logs/a.gz", false));  // "/**/" needs two slashes

    filter_rules below;
    below.add_exclude("src/**");
    CHECK(below.excluded("src/a", false));
    CHECK(below.excluded("src/a/b/c", true));
    CHECK(below.excluded("x/src/a", false));
    CHECK_FALSE(below.excluded("src", true));  // below src, not src itself
}

TEST_CASE("rsync's corners: '**/x' at the root, 'dir/***', '[!/]' and plain backslashes",
          "[filter_rules]") {
    filter_rules prefix;
    prefix.add_exclude("**/foo");
    CHECK(prefix.excluded("foo", false));  // rsync matches "/foo"
    CHECK(prefix.excluded("a/b/foo", false));
    CHECK_FALSE(prefix.excluded("afoo", false));

    filter_rules itself;
    itself.add_exclude("cache/***");
    CHECK(itself.excluded("cache", true));
    CHECK(itself.excluded("x/cache", true));
    CHECK(itself.excluded("cache/a/b", false));
    CHECK_FALSE(itself.excluded("cache", false));  // a file named cache is not "cache/"

    filter_rules slash_in_class;  // rsync counts the '/' as a component boundary: never matches
    slash_in_class.add_exclude("b[!/]");
    CHECK_FALSE(slash_in_class.excluded("b2", false));
    CHECK_FALSE(slash_in_class.excluded("a/b2", false));

    filter_rules plain;  // no wildcard: the backslash is part of the name
    plain.add_exclude("\\-dash");
    CHECK(plain.excluded("\\-dash", false));
    CHECK_FALSE(plain.excluded("-dash", false));
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

    filter_rules old_style;  // rsync reads "+ " and "- " in --include and --exclude too
    old_style.add_exclude("+ keep");
    old_style.add_include("- drop");
    old_style.add_exclude("*");
    CHECK_FALSE(old_style.excluded("keep", false));
    CHECK(old_style.excluded("drop", false));

    filter_rules underscores;  // "-_PATTERN": rsync's '_' for the one space
    underscores.add_rule("+_*.c");
    underscores.add_rule("exclude_*");
    CHECK_FALSE(underscores.excluded("a.c", false));
    CHECK(underscores.excluded("b.h", false));

    // The command line's order across options is kept.
    const filter_rules across = uio::fs::make_filter_rules(
        {{uio::fs::filter_arg::kind::include, "*.c"}, {uio::fs::filter_arg::kind::rule, "- *"}});
    CHECK_FALSE(across.excluded("a.c", false));
    CHECK(across.excluded("b.h", false));

    filter_rules none;
    CHECK(none.empty());
    CHECK_FALSE(none.excluded("anything", false));
}

TEST_CASE("bad rules and unreadable rule files are refused with their name", "[filter_rules]") {
    filter_rules rules;
    CHECK_THROWS_WITH(rules.add_rule("? x"), Catch::Contains("'? x'"));
    CHECK_THROWS_WITH(rules.add_rule("-! x"), Catch::Contains("'-! x'"));  // no modifiers
    CHECK_THROWS_WITH(rules.add_rule("+"), Catch::Contains("'+'"));
    CHECK_THROWS_WITH(rules.add_rule("+ "), Catch::Contains("'+ '") && Catch::Contains("empty"));
    CHECK_THROWS_AS(rules.add_exclude("/"), uio::usage_error);
    // What rsync would silently never match is refused, naming the rule and the problem.
    CHECK_THROWS_WITH(rules.add_rule("- [x"), Catch::Contains("'- [x'") && Catch::Contains("'['"));
    CHECK_THROWS_WITH(rules.add_exclude("[[:nope:]]"), Catch::Contains("[:nope:]"));
    CHECK_THROWS_AS(rules.add_exclude("*\\"), uio::usage_error);
    CHECK_THROWS_AS(glob_match("a[", "a["), uio::usage_error);
    CHECK(rules.empty());  // a refused rule adds nothing
    CHECK_THROWS_WITH(rules.add_exclude_from("/nonexistent/rules"),
                      Catch::Contains("/nonexistent/rules") && Catch::Contains("No such file"));
    // Unreadable is an I/O error (exit 1), not a usage mistake.
    CHECK_THROWS_AS(rules.add_exclude_from("/nonexistent/rules"), std::system_error);
    uio::testing::temp_dir work;  // a directory opens, but reading it fails: not "no rules"
    CHECK_THROWS_WITH(rules.add_exclude_from(work.path().string()),
                      Catch::Contains("Is a directory"));
}

TEST_CASE("an exclude-from file holds patterns and rules, skipping comments", "[filter_rules]") {
    uio::testing::temp_dir work;
    ucopy_test::write_file(work / "rules", "# a comment\n; another\n\n+ keep.log\n*.log\r\n");
    filter_rules rules;
    rules.add_exclude_from(work / "rules");
    CHECK_FALSE(rules.excluded("keep.log", false));
    CHECK(rules.excluded("other.log", false));
    CHECK_FALSE(rules.excluded("# a comment", false));

    ucopy_test::write_file(work / "bad", "*.o\n\n[oops\n");
    CHECK_THROWS_WITH(rules.add_exclude_from(work / "bad"),
                      Catch::Contains("'" + work / "bad" + "' line 3") && Catch::Contains("[oops"));
}

TEST_CASE("a rule with many stars on a deep path answers without backtracking", "[filter_rules]") {
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += "aaaaaaaaaa/";
    deep += "aaaaaaaaaa";
    filter_rules rules;
    rules.add_exclude("**a**a**a**a**a**a**a**a**a**a**a**a**b");
    rules.add_exclude("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    CHECK_FALSE(rules.excluded(deep, false));
    rules.add_exclude("**a**a**a**a**a**a**a**a**a**a**a**a**a");
    CHECK(rules.excluded(deep, false));
}
