// Every program answers --version and --help with exit 0, lists its exit codes, and lists
// each option once; -v works for table copies; --stats=json has one shape (an "ok" field,
// seconds) in tree and table copies. Runs the real binaries.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "etl_test_support.hpp"

namespace {

using run_result = uio::testing::command_result;
using uio::testing::shell_quote;

run_result run(const std::string& program, const std::vector<std::string>& args) {
    std::string command = shell_quote(program);
    for (const std::string& a : args) command += " " + shell_quote(a);
    return uio::testing::run_shell(command + " 2>&1");
}

std::string beside_ucopy(const std::string& name) {
    std::string ucopy = UCOPY_BINARY;
    return ucopy.substr(0, ucopy.rfind('/') + 1) + name;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("ucopy, ucopy-tables and uio-read answer --version and --help with exit 0") {
    const std::string tables = beside_ucopy("ucopy-tables");
    struct program {
        std::string path, name;
    };
    for (const program& p : {program{UCOPY_BINARY, "ucopy"}, program{tables, "ucopy-tables"},
                             program{UIO_READ_BINARY, "uio-read"}}) {
        INFO(p.name);
        run_result version = run(p.path, {"--version"});
        CHECK(version.status == 0);
        CHECK(version.output.rfind(p.name + " " UIO_VERSION " (uio)\n", 0) == 0);
        run_result help = run(p.path, {"--help"});
        CHECK(help.status == 0);
        CHECK_THAT(help.output, Catch::Contains("Exit status: 0"));
    }
    // Table options once each: ucopy-tables' parser lists them, its footer does not again.
    run_result help = run(tables, {"--help"});
    for (const char* option :
         {"--max-errors", "--rejects", "--connections", "--delimiter", "--schema", "--dry-run"}) {
        INFO(option);
        CHECK(count(help.output, option) == 1);
    }
    CHECK_THAT(help.output, Catch::Contains("-v,--verbose"));
    // ucopy --help: both forms, the table options once too.
    run_result both = run(UCOPY_BINARY, {"--help"});
    CHECK(count(both.output, "--max-errors") == 1);
    CHECK(count(both.output, "Exit status:") == 2);  // trees', then tables'
}

TEST_CASE("a table copy with -v says what was copied on stderr; --stats=json has ok and seconds") {
    uio::testing::temp_dir dir;
    const std::string csv = "id,name\n1,a\n2,b\n3,c\n";
    uio::testing::write_file(dir / "in.csv", csv);
    const std::string db = "sqlite:" + (dir / "x.db") + "?table=t";
    run_result v = run(UCOPY_BINARY, {"--no-progress", "-v", dir / "in.csv", db});
    CHECK(v.status == 0);
    CHECK(v.output == "ucopy: csv file " + (dir / "in.csv") + " -> SQLite " + (dir / "x.db") +
                          " table t: 3 rows\n");

    run_result table = run(UCOPY_BINARY, {"--no-progress", "--stats=json", db, dir / "out.csv"});
    CHECK(table.status == 0);
    CHECK(table.output.rfind("{\"ok\": true, \"rows\": 3, \"bytes\": ", 0) == 0);
    CHECK_THAT(table.output, Catch::Contains("\"seconds\": "));

    run_result tree =
        run(UCOPY_BINARY, {"--no-progress", "--stats=json", dir / "in.csv", dir / "copy.csv"});
    CHECK(tree.status == 0);
    // "ok" last: scripts find the summary by its start, {"files":
    CHECK(tree.output.rfind("{\"files\":1,\"bytes\":" + std::to_string(csv.size()) + ",", 0) == 0);
    CHECK_THAT(tree.output, Catch::Contains("\"seconds\":"));
    CHECK(tree.output.ends_with(",\"ok\":true}\n"));
    run_result failed =
        run(UCOPY_BINARY, {"--no-progress", "--stats=json", dir / "absent", dir / "copy2.csv"});
    CHECK(failed.status == 1);
    CHECK_THAT(failed.output, Catch::Contains(",\"ok\":false}\n"));
}
