// table_copy_cli: which command lines ucopy hands to the table side, and that side's options.
#include <catch2/catch.hpp>

#include <vector>

#include "etl_test_support.hpp"
#include "table_copy_cli.hpp"

namespace {

// argv for a command line (the strings outlive the call).
struct args {
    std::vector<std::string> words;
    std::vector<char*> argv;
    explicit args(std::vector<std::string> w) : words(std::move(w)) {
        for (auto& s : words) argv.push_back(s.data());
        argv.push_back(nullptr);
    }
    int argc() const { return static_cast<int>(words.size()); }
};

bool is_table(std::vector<std::string> w) {
    args a(std::move(w));
    return uio::etl::is_table_copy(a.argc(), a.argv.data());
}

}  // namespace

TEST_CASE("a table endpoint on either side makes a table copy, files stay byte copies") {
    using uio::etl::names_table;
    CHECK(names_table("postgresql:///shop?table=sales"));
    CHECK(names_table("postgres://ann@db/shop?table=sales"));
    CHECK(names_table("sqlite:shop.db?table=sales"));
    CHECK_FALSE(names_table("sqlite:"));
    CHECK_FALSE(names_table("./sqlite:x"));
    CHECK_FALSE(names_table("sales.csv"));
    // Unknown schemes go to the table side, which refuses them (exit 2) rather than this
    // side copying a file of that name.
    CHECK(names_table("mysql://x/y?table=t"));
    CHECK(names_table("http://example.com/a.csv"));
    CHECK_FALSE(names_table("./mysql://x"));
    CHECK_FALSE(names_table("data/a://b"));

    CHECK(is_table({"ucopy", "sales.csv", "sqlite:shop.db?table=sales"}));
    CHECK(is_table({"ucopy", "--mode", "replace", "postgresql:///db?table=t", "out.jsonl"}));
    CHECK_FALSE(is_table({"ucopy", "sales.csv", "copy.csv"}));
    CHECK_FALSE(is_table({"ucopy", "-a", "src", "dst"}));
}

TEST_CASE("the table command line: options mapped, usage errors exit 2") {
    uio::testing::temp_dir dir;
    uio::testing::write_file(dir / "in.tsv", "a\tb\n1\t\n");
    std::string db = "sqlite:" + std::string(dir / "db.sqlite") + "?table=t";
    args ok({"ucopy", "--no-progress", "--null", "", "--mode=replace", dir / "in.tsv", db});
    CHECK(uio::etl::table_copy_main(ok.argc(), ok.argv.data()) == 0);
    CHECK(uio::testing::sqlite_column(dir / "db.sqlite", "SELECT quote(b) FROM t") == "NULL");

    args bad_mode({"ucopy", "--mode=sometimes", dir / "in.tsv", db});
    CHECK(uio::etl::table_copy_main(bad_mode.argc(), bad_mode.argv.data()) == 2);
    args bad_delimiter({"ucopy", "--delimiter", "ab", dir / "in.tsv", db});
    CHECK(uio::etl::table_copy_main(bad_delimiter.argc(), bad_delimiter.argv.data()) == 2);
    args scheme({"ucopy", dir / "in.tsv", "mysql://x/y?table=t"});
    CHECK(uio::etl::table_copy_main(scheme.argc(), scheme.argv.data()) == 2);
    args host({"ucopy", dir / "in.tsv", "sqlite://rel.db?table=t"});
    CHECK(uio::etl::table_copy_main(host.argc(), host.argv.data()) == 2);
    args missing({"ucopy", dir / "absent.csv", db});
    CHECK(uio::etl::table_copy_main(missing.argc(), missing.argv.data()) == 1);
}
