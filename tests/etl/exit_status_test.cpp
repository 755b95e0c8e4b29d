// Exit status and message of the real ucopy binary, one case per error kind (usage 2; data,
// io, database 1; internal 70), and the empty header name that used to exit 2 with no place.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

namespace {

using run_result = uio::testing::command_result;
using uio::testing::shell_quote;

// Runs ucopy with `args` (each shell-quoted) after the shell settings `env`: the shipped
// ucopy, or when `env` sets a UCOPY_TEST_* hook, its test-only twin, which obeys them (and
// runs the twin ucopy-tables beside it).
run_result ucopy(const std::vector<std::string>& args, const std::string& env = "") {
    const bool hooked = env.find("UCOPY_TEST_") != std::string::npos;
    const char* program = hooked ? UCOPY_TESTABLE_BINARY : UCOPY_BINARY;
    std::string command = env + " " + shell_quote(program) + " --no-progress";
    for (const std::string& a : args) command += " " + shell_quote(a);
    return uio::testing::run_shell(command + " 2>&1");
}

}  // namespace

TEST_CASE("ucopy exits by error kind: usage 2, data/io/database 1, internal 70") {
    uio::testing::temp_dir dir;
    std::string csv = dir / "in.csv";
    uio::testing::write_file(csv, "id,name\n1,a\n");
    std::string db = "sqlite:" + std::string(dir / "db.sqlite") + "?table=t";

    run_result usage =
        ucopy({csv, "sqlite:" + std::string(dir / "db.sqlite") + "?table=t&query=q"});
    CHECK(usage.status == 2);
    CHECK_THAT(usage.output, Catch::Contains("give table= or query=, not both"));
    run_result schema = ucopy({"--schema", "id", csv, db});
    CHECK(schema.status == 2);
    CHECK_THAT(schema.output, Catch::Contains("--schema: expected 'column type, ...'"));
    run_result delimiters = ucopy({"--quote", ",", csv, db});
    CHECK(delimiters.status == 2);
    CHECK_THAT(delimiters.output, Catch::Contains("--delimiter and --quote"));

    std::string ragged = dir / "ragged.csv";
    uio::testing::write_file(ragged, "id,name\n1,a\n2\n");
    run_result data = ucopy({ragged, db});
    CHECK(data.status == 1);
    CHECK_THAT(data.output, Catch::Contains(ragged + ":3:2: too few fields: 1 instead of 2"));

    run_result io = ucopy({dir / "absent.csv", db});
    CHECK(io.status == 1);
    CHECK_THAT(io.output, Catch::Contains("absent.csv': No such file or directory"));

    uio::testing::sqlite_exec(dir / "db.sqlite", "CREATE TABLE other (x)");
    run_result database = ucopy(
        {"sqlite:" + std::string(dir / "db.sqlite") + "?query=SELECT%20*%20FROM%20no_such_table",
         dir / "out.csv"});
    CHECK(database.status == 1);
    CHECK_THAT(database.output, Catch::Contains("no such table: no_such_table"));
    CHECK_FALSE(std::filesystem::exists(dir / "out.csv"));

    run_result internal = ucopy({csv, db}, "UCOPY_TEST_INTERNAL_ERROR=1");
    CHECK(internal.status == 70);
    CHECK_THAT(internal.output,
               Catch::Contains("ucopy: internal error: UCOPY_TEST_INTERNAL_ERROR is set"));
}

TEST_CASE("an empty header name is a data error at line 1, the empty field's column") {
    uio::testing::temp_dir dir;
    std::string csv = dir / "in.csv";
    uio::testing::write_file(csv, "id,,name\n1,2,3\n");
    std::string expected = csv + ":1:4: field 2 of the header is empty (a column needs a name)";

    SECTION("into SQLite: exit 1, nothing created") {
        std::string path = dir / "db.sqlite";
        run_result r = ucopy({csv, "sqlite:" + path + "?table=t"});
        CHECK(r.status == 1);
        CHECK_THAT(r.output, Catch::Contains(expected));
        CHECK(uio::testing::sqlite_column(path, "SELECT count(*) FROM sqlite_master") == "0");
    }
    SECTION("into PostgreSQL: exit 1, nothing created") {
        uio::testing::require_cluster();
        uio::testing::pg_exec("DROP TABLE IF EXISTS uio_empty_header");
        run_result r = ucopy({csv, uio::testing::pg_uri("table=uio_empty_header")});
        CHECK(r.status == 1);
        CHECK_THAT(r.output, Catch::Contains(expected));
        CHECK(uio::testing::pg_column("SELECT count(*) FROM pg_class "
                                      "WHERE relname = 'uio_empty_header'") == "0");
    }
    SECTION("a JSON Lines key \"\" the same way") {
        std::string jsonl = dir / "in.jsonl";
        uio::testing::write_file(jsonl, "{\"id\": 1, \"\": 2}\n");
        run_result r = ucopy({jsonl, "sqlite:" + std::string(dir / "j.sqlite") + "?table=t"});
        CHECK(r.status == 1);
        CHECK_THAT(r.output, Catch::Contains(jsonl + ":1:11: an empty key names no column"));
    }
}

TEST_CASE(
    "ucopy runs table copies through ucopy-tables beside it, and says so when it is missing") {
    uio::testing::temp_dir dir;
    std::string csv = dir / "in.csv";
    uio::testing::write_file(csv, "id\n1\n");
    // The built binary finds its sibling: the rows arrive.
    run_result found = ucopy({csv, "sqlite:" + std::string(dir / "found.db") + "?table=t"});
    CHECK(found.status == 0);
    CHECK(std::filesystem::exists(dir / "found.db"));
    // A copy of ucopy alone in a directory cannot copy tables: a clear message, status 1.
    std::filesystem::create_directory(dir / "bin");
    std::filesystem::copy_file(UCOPY_BINARY, dir / "bin/ucopy");
    const std::string lonely = dir / "bin/ucopy";
    const std::string lost = "sqlite:" + std::string(dir / "lost.db") + "?table=t";
    std::string command = (shell_quote)(lonely) + " --no-progress " + (shell_quote)(csv) + " " +
                          (shell_quote)(lost) + " 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    const int status = ::pclose(pipe);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK_THAT(output, Catch::Contains("cannot run " + (dir / "bin/ucopy-tables") +
                                       " for a table copy: No such file or directory"));
    CHECK_FALSE(std::filesystem::exists(dir / "lost.db"));
}

TEST_CASE("endpoints that name no table copy: unknown schemes and sqlite://host exit 2") {
    uio::testing::temp_dir dir;
    std::string csv = dir / "in.csv";
    uio::testing::write_file(csv, "id\n1\n");
    // Without the fix these were a byte copy to a file called "mysql:/x/y?table=t".
    for (const std::string& target :
         {std::string("mysql://x/y?table=t"), std::string("http://example.com/t.csv")}) {
        INFO(target);
        run_result r = ucopy({csv, target});
        CHECK(r.status == 2);
        CHECK_THAT(r.output, Catch::Contains("unknown scheme"));
    }
    run_result host = ucopy({csv, "sqlite://rel.db?table=t"});
    CHECK(host.status == 2);
    CHECK_THAT(host.output, Catch::Contains("sqlite:// names a host"));
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"in.csv"});
}

TEST_CASE("a database that cannot be written names the database, not the input line") {
    uio::testing::temp_dir dir;
    std::string csv = dir / "big.csv";
    std::string text = "id,name\n";
    for (int i = 0; i < 40000; ++i) text += std::to_string(i) + ",some text to fill pages\n";
    uio::testing::write_file(csv, text);
    std::string db = dir / "small.db";
    // A file size limit (SIGXFSZ ignored, so writes fail with EFBIG) stands in for a full
    // disk: any user can set it, and SQLite meets it writing its file, as on ENOSPC.
    run_result r = ucopy({csv, "sqlite:" + db + "?table=t"}, "trap '' XFSZ; ulimit -f 100;");
    CHECK(r.status == 1);
    CHECK_THAT(r.output, Catch::Contains("ucopy: " + db + ": "));
    CHECK(r.output.find("big.csv:") == std::string::npos);
    // The file this load created is gone, journal and all.
    CHECK(uio::testing::list_dir(dir.path()) == std::vector<std::string>{"big.csv"});
}
