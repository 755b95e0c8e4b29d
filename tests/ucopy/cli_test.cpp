// cp's command-line semantics, the skip rules (-n, -u, --exclude, --dry-run) and exit codes.
#include <catch2/catch.hpp>
#include <filesystem>

#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

TEST_CASE("file to file, file into a directory, several files into a directory") {
    uio::testing::temp_dir work;
    write_file(work / "a", "A");
    write_file(work / "b", "B");
    fs::create_directory(work / "dir");
    CHECK(sh(ucopy_binary() + " " + q(work / "a") + " " + q(work / "copy")).status == 0);
    CHECK(read_file(work / "copy") == "A");
    CHECK(sh(ucopy_binary() + " " + q(work / "b") + " " + q(work / "copy")).status == 0);
    CHECK(read_file(work / "copy") == "B");  // replaced
    CHECK(sh(ucopy_binary() + " " + q(work / "a") + " " + q(work / "dir")).status == 0);
    CHECK(read_file(work / "dir/a") == "A");
    CHECK(sh(ucopy_binary() + " " + q(work / "a") + " " + q(work / "b") + " " + q(work / "dir/"))
              .status == 0);
    CHECK(read_file(work / "dir/b") == "B");
    command_result r =
        sh(ucopy_binary() + " " + q(work / "a") + " " + q(work / "b") + " " + q(work / "copy"));
    CHECK(r.status == 1);
    CHECK(r.output.find("is not a directory") != std::string::npos);
}

TEST_CASE("a directory to a new name, and into an existing directory") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src/sub");
    write_file(work / "src/sub/f", "F");
    CHECK(sh(ucopy_binary() + " -r " + q(work / "src") + " " + q(work / "new")).status == 0);
    CHECK(read_file(work / "new/sub/f") == "F");
    fs::create_directory(work / "existing");
    CHECK(sh(ucopy_binary() + " -R " + q(work / "src/") + " " + q(work / "existing")).status == 0);
    CHECK(read_file(work / "existing/src/sub/f") == "F");

    command_result r = sh(ucopy_binary() + " " + q(work / "src") + " " + q(work / "x"));
    CHECK(r.status == 1);
    CHECK(r.output.find("-r not specified; omitting directory") != std::string::npos);
    CHECK_FALSE(fs::exists(work / "x"));
    r = sh(ucopy_binary() + " -r " + q(work / "src") + " " + q(work / "src/sub"));
    CHECK(r.status == 1);
    CHECK(r.output.find("into itself") != std::string::npos);
    r = sh(ucopy_binary() + " " + q(work / "src/sub/f") + " " + q(work / "src/sub/f"));
    CHECK(r.status == 1);
    CHECK(r.output.find("are the same file") != std::string::npos);
}

TEST_CASE("usage errors exit 2 and --help and --version exit 0") {
    CHECK(sh(ucopy_binary()).status == 2);
    CHECK(sh(ucopy_binary() + " onlyone").status == 2);
    CHECK(sh(ucopy_binary() + " --sparse=sometimes a b").status == 2);
    CHECK(sh(ucopy_binary() + " --no-such-option a b").status == 2);
    CHECK(sh(ucopy_binary() + " -L -P a b").status == 2);
    CHECK(sh(ucopy_binary() + " --preserve=colour a b").status == 2);
    command_result help = sh(ucopy_binary() + " --help");
    CHECK(help.status == 0);
    CHECK(help.output.find("Exit status") != std::string::npos);
    CHECK(sh(ucopy_binary() + " --version").status == 0);
    command_result missing = sh(ucopy_binary() + " /nonexistent/source /tmp/x");
    CHECK(missing.status == 1);
    CHECK(missing.output.find(
              "ucopy: cannot stat '/nonexistent/source': No such file or directory") !=
          std::string::npos);
}

TEST_CASE("no-clobber keeps existing files and update replaces only older ones") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    fs::create_directories(work / "dst/src");
    write_file(work / "src/old", "new content");
    write_file(work / "src/new", "new content");
    write_file(work / "dst/src/old", "kept");
    write_file(work / "dst/src/new", "stale");
    set_mtime(work / "src/old", 1'000'000'000, 0);
    set_mtime(work / "dst/src/old", 1'500'000'000, 0);
    set_mtime(work / "src/new", 1'600'000'000, 0);
    set_mtime(work / "dst/src/new", 1'500'000'000, 0);

    CHECK(sh(ucopy_binary() + " -rn " + q(work / "src") + " " + q(work / "dst")).status == 0);
    CHECK(read_file(work / "dst/src/old") == "kept");
    CHECK(read_file(work / "dst/src/new") == "stale");
    CHECK(sh(ucopy_binary() + " -ru " + q(work / "src") + " " + q(work / "dst")).status == 0);
    CHECK(read_file(work / "dst/src/old") == "kept");
    CHECK(read_file(work / "dst/src/new") == "new content");
}

TEST_CASE("exclude skips by name or by path below the source and dry-run changes nothing") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src/keep");
    fs::create_directories(work / "src/skipdir");
    write_file(work / "src/a.log", "log");
    write_file(work / "src/a.txt", "txt");
    write_file(work / "src/keep/b.log", "log");
    write_file(work / "src/skipdir/c", "c");
    command_result dry =
        sh(ucopy_binary() + " -av --dry-run " + q(work / "src") + " " + q(work / "dst"));
    CHECK(dry.status == 0);
    CHECK(dry.output.find("a.txt") != std::string::npos);
    CHECK_FALSE(fs::exists(work / "dst"));
    CHECK(sh(ucopy_binary() + " -a --exclude '*.log' --exclude skipdir " + q(work / "src") + " " +
             q(work / "dst"))
              .status == 0);
    CHECK(fs::exists(work / "dst/a.txt"));
    CHECK(fs::exists(work / "dst/keep"));
    CHECK_FALSE(fs::exists(work / "dst/a.log"));
    CHECK_FALSE(fs::exists(work / "dst/keep/b.log"));
    CHECK_FALSE(fs::exists(work / "dst/skipdir"));
}

TEST_CASE("each exit status comes from what failed: usage 2, a file that cannot be read 1") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    write_file(work / "src/f", "F");
    write_file(work / "rules", "*.o\n[oops\n");
    const std::string copy = " " + q(work / "src") + " " + q(work / "dst");

    // An --exclude-from file that cannot be read: I/O, exit 1, the file and errno's text.
    command_result missing = sh(ucopy_binary() + " -a --exclude-from " + q(work / "absent") + copy);
    CHECK(missing.status == 1);
    CHECK(missing.output.find("'" + work / "absent" + "'") != std::string::npos);
    CHECK(missing.output.find("No such file or directory") != std::string::npos);
    CHECK(missing.output.find("--help") == std::string::npos);  // not a usage mistake
    command_result directory = sh(ucopy_binary() + " -a --exclude-from " + q(work / "src") + copy);
    CHECK(directory.status == 1);
    CHECK(directory.output.find("Is a directory") != std::string::npos);
    // A bad pattern, on the command line or in the file, is the command line's: exit 2.
    command_result bad_line = sh(ucopy_binary() + " -a --exclude-from " + q(work / "rules") + copy);
    CHECK(bad_line.status == 2);
    CHECK(bad_line.output.find("line 2") != std::string::npos);
    CHECK(sh(ucopy_binary() + " -a --exclude '[x'" + copy).status == 2);
    // --shard of something that is not a directory tree: the command line asks the impossible.
    command_result shard_file =
        sh(ucopy_binary() + " -a --shard 0/2 " + q(work / "src/f") + " " + q(work / "one"));
    CHECK(shard_file.status == 2);
    CHECK(shard_file.output.find("--shard copies one directory tree") != std::string::npos);
    // A journal that cannot be opened: exit 1, naming it.
    command_result journal =
        sh(ucopy_binary() + " -a --journal " + q(work / "no/such/dir/j.db") + copy);
    CHECK(journal.status == 1);
    CHECK(journal.output.find(work / "no/such/dir/j.db") != std::string::npos);
    CHECK_FALSE(fs::exists(work / "dst"));
}
