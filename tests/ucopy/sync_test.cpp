// ucopy --sync end to end: a mirror refreshed with rsync's habits (quick check, --checksum,
// metadata in place, --delete after success, --max-delete, --backup-dir, filters in rule
// order, --itemize-changes, --dry-run), checked against the source tree as cp -a would be.
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>

#include "copy_gate.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

ino_t inode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_ino;
}

std::string sync_command(const std::string& work, const std::string& flags) {
    return "cd " + q(work) + " && " + ucopy_binary() + " -a --sync --stats=json " + flags +
           " src/ dst";
}

}  // namespace

TEST_CASE("sync copies what changed, sets metadata in place and skips the rest") {
    uio::testing::temp_dir work;
    build_full_tree(work / "src");
    command_result first = sh(sync_command(work.path(), "-i"));
    INFO(first.output);
    REQUIRE(first.status == 0);
    check_same_tree(work / "src", work / "dst");  // "src/" means its contents
    CHECK(std::count(first.output.begin(), first.output.end(), '\n') > 20);

    // Nothing changed: nothing copied, nothing printed but the stats.
    command_result again = sh(sync_command(work.path(), "-i"));
    INFO(again.output);
    CHECK(again.status == 0);
    CHECK(itemized(again.output).empty());
    CHECK(stat_of(again.output, "copied") == 0);
    CHECK(stat_of(again.output, "metadata_updated") == 0);
    CHECK(stat_of(again.output, "unchanged") > 10);

    // One file rewritten, one added, one with a new mode, one with a new xattr, one symlink
    // pointing elsewhere.
    write_file(work / "src/dir with spaces/file with spaces", "longer content now\n");
    write_file(work / "src/added", "new\n");
    ::chmod((work / "src/private/secret").c_str(), 0640);
    REQUIRE(::setxattr((work / "src/binary.bin").c_str(), "user.tag", "v2", 2, 0) == 0);
    fs::remove(work / "src/link-dangling");
    ::symlink("elsewhere", (work / "src/link-dangling").c_str());
    const ino_t secret_inode = inode_of(work / "dst/private/secret");
    const ino_t binary_inode = inode_of(work / "dst/binary.bin");

    command_result changed = sh(sync_command(work.path(), "-i"));
    INFO(changed.output);
    CHECK(changed.status == 0);
    check_same_tree(work / "src", work / "dst");
    const std::vector<std::string> expected = {
        ".d..t...... ./",  // an entry was added to the root
        ".f...p..... private/secret",
        ".f........x binary.bin",
        ">f+++++++++ added",
        ">f.st...... dir with spaces/file with spaces",
        "cLc.t...... link-dangling -> elsewhere",
    };
    std::vector<std::string> sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    CHECK(itemized(changed.output) == sorted);
    CHECK(stat_of(changed.output, "copied") == 3);
    CHECK(stat_of(changed.output, "metadata_updated") == 2);
    // Metadata was set on the files in place, not by writing a new copy.
    CHECK(inode_of(work / "dst/private/secret") == secret_inode);
    CHECK(inode_of(work / "dst/binary.bin") == binary_inode);
}

TEST_CASE("sync trusts size and mtime; --checksum compares the bytes") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    write_file(work / "src/same-size", "aaaa");
    set_mtime(work / "src/same-size", 1'500'000'000, 5);
    REQUIRE(sh(sync_command(work.path(), "")).status == 0);
    // Other bytes, same size and mtime: the quick check cannot see it (as with rsync).
    write_file(work / "src/same-size", "bbbb");
    set_mtime(work / "src/same-size", 1'500'000'000, 5);
    command_result quick = sh(sync_command(work.path(), "-i"));
    CHECK(quick.status == 0);
    CHECK(read_file(work / "dst/same-size") == "aaaa");
    command_result checked = sh(sync_command(work.path(), "-i --checksum"));
    INFO(checked.output);
    CHECK(checked.status == 0);
    CHECK(read_file(work / "dst/same-size") == "bbbb");
    CHECK(itemized(checked.output) == std::vector<std::string>{">fc........ same-size"});
    // Same bytes, another mtime: --checksum sets the time and copies nothing.
    set_mtime(work / "src/same-size", 1'600'000'000, 0);
    command_result touched = sh(sync_command(work.path(), "-i --checksum"));
    CHECK(itemized(touched.output) == std::vector<std::string>{".f..t...... same-size"});
    CHECK(stat_of(touched.output, "copied") == 0);
    check_same_tree(work / "src", work / "dst");

    // An xattr set on the mirror itself: the source's ctime says its own xattrs did not
    // change, so the quick check keeps trusting it; --checksum compares every xattr.
    REQUIRE(::setxattr((work / "dst/same-size").c_str(), "user.stray", "x", 1, 0) == 0);
    command_result trusted = sh(sync_command(work.path(), "-i"));
    CHECK(itemized(trusted.output).empty());
    command_result compared = sh(sync_command(work.path(), "-i --checksum"));
    INFO(compared.output);
    CHECK(itemized(compared.output) == std::vector<std::string>{".f........x same-size"});
    check_same_tree(work / "src", work / "dst");
}

TEST_CASE("sync --delete removes what the source lacks, only after a copy without errors") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src/keep");
    write_file(work / "src/keep/a", "a");
    write_file(work / "src/changed", "old");
    REQUIRE(sh(sync_command(work.path(), "")).status == 0);
    fs::create_directories(work / "dst/gone-dir/inner");
    write_file(work / "dst/gone-dir/inner/x", "x");
    write_file(work / "dst/keep/gone-file", "y");
    write_file(work / "src/changed", "new");

    SECTION("a dry run prints what a real run does and changes nothing") {
        command_result dry = sh(sync_command(work.path(), "-i --delete --dry-run"));
        INFO(dry.output);
        CHECK(dry.status == 0);
        CHECK(fs::exists(work / "dst/gone-dir/inner/x"));
        CHECK(fs::exists(work / "dst/keep/gone-file"));
        CHECK(read_file(work / "dst/changed") == "old");
        command_result real = sh(sync_command(work.path(), "-i --delete"));
        INFO(real.output);
        CHECK(real.status == 0);
        CHECK(itemized(dry.output) == itemized(real.output));
        // One line per deleted entry, as rsync prints them (itemized() sorts them).
        CHECK(itemized(real.output) ==
              std::vector<std::string>{"*deleting   gone-dir/", "*deleting   gone-dir/inner/",
                                       "*deleting   gone-dir/inner/x", "*deleting   keep/gone-file",
                                       ".d..t...... ./", ".d..t...... keep/",
                                       ">f..t...... changed"});
        CHECK(stat_of(real.output, "deleted") == 2);
        check_same_tree(work / "src", work / "dst");
    }
    SECTION("an error anywhere deletes nothing") {
        // The test hook corrupts the copy of "changed" before --verify reads it back.
        command_result failed =
            sh("cd " + q(work.path()) + " && UCOPY_TEST_CORRUPT=changed " +
               ucopy_testable_binary() + " -a --sync --delete --verify src/ dst");
        INFO(failed.output);
        CHECK(failed.status == 23);  // rsync's "partial transfer"
        CHECK(failed.output.find("nothing deleted") != std::string::npos);
        CHECK(fs::exists(work / "dst/gone-dir/inner/x"));
        CHECK(fs::exists(work / "dst/keep/gone-file"));
    }
    SECTION("--max-delete stops before deleting more") {
        // gone-dir counts 3 entries (rsync counts a tree's entries), keep/gone-file 1: with
        // 3, whichever comes first is deleted and the other no longer fits.
        command_result capped = sh(sync_command(work.path(), "--delete --max-delete 3"));
        INFO(capped.output);
        CHECK(capped.status == 25);
        CHECK(capped.output.find("--max-delete 3 reached") != std::string::npos);
        CHECK(stat_of(capped.output, "deleted") == 1);
        CHECK(fs::exists(work / "dst/gone-dir") != fs::exists(work / "dst/keep/gone-file"));
    }
    SECTION("--backup-dir keeps what was replaced or deleted") {
        command_result kept = sh(sync_command(work.path(), "--delete --backup-dir .old"));
        INFO(kept.output);
        CHECK(kept.status == 0);
        CHECK(read_file(work / "dst/changed") == "new");
        CHECK(read_file(work / "dst/.old/changed") == "old");
        CHECK(read_file(work / "dst/.old/gone-dir/inner/x") == "x");
        CHECK(read_file(work / "dst/.old/keep/gone-file") == "y");
        CHECK_FALSE(fs::exists(work / "dst/gone-dir"));
        // The backup directory inside DST is not itself deleted by the next sync.
        command_result next = sh(sync_command(work.path(), "--delete --backup-dir .old"));
        CHECK(next.status == 0);
        CHECK(fs::exists(work / "dst/.old/changed"));
    }
}

TEST_CASE(
    "sync --delete removes hundreds of entries at once and puts each directory's times back") {
    uio::testing::temp_dir work;
    for (const char* dir : {"src/a", "src/b", "src/c/deep"}) fs::create_directories(work / dir);
    write_file(work / "src/a/kept", "k");
    REQUIRE(sh(sync_command(work.path(), "")).status == 0);
    // 3 × 150 extraneous files (more than the deletions in flight at once), a directory tree
    // and a file at the top.
    for (const char* dir : {"dst/a", "dst/b", "dst/c/deep"}) {
        for (int i = 0; i < 150; ++i)
            write_file(work / (std::string(dir) + "/x" + std::to_string(i)), "x");
    }
    fs::create_directories(work / "dst/b/tree/inner");
    write_file(work / "dst/b/tree/inner/y", "y");
    write_file(work / "dst/top", "t");

    command_result run = sh(sync_command(work.path(), "-i --delete"));
    INFO(run.output.substr(0, 2000));
    CHECK(run.status == 0);
    CHECK(stat_of(run.output, "deleted") == 452);
    std::vector<std::string> lines = itemized(run.output);
    // b/tree/'s entries have their own lines.
    CHECK(std::count_if(lines.begin(), lines.end(),
                        [](const std::string& l) { return l[0] == '*'; }) == 454);
    CHECK(std::count(lines.begin(), lines.end(), "*deleting   b/tree/inner/y") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "*deleting   b/tree/") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "*deleting   c/deep/x149") == 1);
    CHECK(read_file(work / "dst/a/kept") == "k");
    check_same_tree(work / "src", work / "dst");  // names, and every directory's mtime
}

TEST_CASE("sync filters: first match wins, excluded entries in DST survive --delete") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src/sub");
    for (const char* name : {"a.tmp", "b.tmp", "c.txt", "sub/d.tmp", "sub/e.log"}) {
        write_file(work / ("src/" + std::string(name)), name);
    }
    fs::create_directories(work / "dst");
    write_file(work / "dst/old.log", "kept: excluded");

    command_result run = sh(
        sync_command(work.path(), "--delete --include a.tmp --exclude '*.tmp' --filter '- *.log'"));
    INFO(run.output);
    CHECK(run.status == 0);
    CHECK(fs::exists(work / "dst/a.tmp"));  // included before the exclude matched
    CHECK_FALSE(fs::exists(work / "dst/b.tmp"));
    CHECK_FALSE(fs::exists(work / "dst/sub/d.tmp"));
    CHECK_FALSE(fs::exists(work / "dst/sub/e.log"));
    CHECK(fs::exists(work / "dst/c.txt"));
    CHECK(fs::exists(work / "dst/old.log"));  // excluded, so not deleted

    // The other order: the exclude matches first and a.tmp goes too (deleted from DST).
    command_result reversed =
        sh(sync_command(work.path(), "--delete --exclude '*.tmp' --include a.tmp"));
    INFO(reversed.output);
    CHECK(reversed.status == 0);
    CHECK(fs::exists(work / "dst/a.tmp"));  // excluded now, so protected from --delete
    command_result purge =
        sh(sync_command(work.path(), "--delete-excluded --exclude '*.tmp' --include a.tmp -i"));
    INFO(purge.output);
    CHECK(purge.status == 0);
    CHECK_FALSE(fs::exists(work / "dst/a.tmp"));
    CHECK(fs::exists(work / "dst/c.txt"));

    write_file(work / "rules", "# comment\n\n*.txt\n");
    command_result from_file =
        sh(sync_command(work.path(), "--delete-excluded --exclude-from " + q(work / "rules")));
    CHECK(from_file.status == 0);
    CHECK_FALSE(fs::exists(work / "dst/c.txt"));

    command_result bad = sh(ucopy_binary() + " -a --sync --filter '? x' " + q(work / "src/") + " " +
                            q(work / "dst"));
    CHECK(bad.status == 2);
    command_result missing = sh(ucopy_binary() + " -a --sync --exclude-from " + q(work / "absent") +
                                " " + q(work / "src/") + " " + q(work / "dst"));
    CHECK(missing.status == 1);  // an I/O error, not a usage mistake
    CHECK(missing.output.find(work / "absent") != std::string::npos);
    CHECK(sh(ucopy_binary() + " -a --delete " + q(work / "src/") + " " + q(work / "dst")).status ==
          2);
}

TEST_CASE("sync killed with -9  leaves every file old or new, and a rerun finishes") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    const int files = 6;
    auto content = [](int i, char version) { return std::string((2 << 20) + i, version); };
    for (int i = 0; i < files; ++i)
        write_file(work / ("src/f" + std::to_string(i)), content(i, 'o'));
    REQUIRE(sh(sync_command(work.path(), "")).status == 0);
    for (int i = 0; i < files; ++i) {
        write_file(work / ("src/f" + std::to_string(i)), content(i, 'n'));
        set_mtime(work / ("src/f" + std::to_string(i)), 1'700'000'000 + i, 0);
    }
    // Two files go through the gate, the next is held there: the kill lands mid-sync.
    copy_gate gate(work / "gate", 2);
    command_result killed =
        sh("cd " + q(work.path()) + " && (" + gate.shell_env() + ucopy_testable_binary() +
           " -a --sync --queue-depth 2 src/ dst & pid=$!; " + gate.shell_wait_for_arrivals(3) +
           "kill -9 $pid; wait $pid)");
    REQUIRE(gate.arrivals().size() >= 3);
    CHECK(killed.status == 128 + 9);
    int old_files = 0, new_files = 0;
    for (int i = 0; i < files; ++i) {
        const std::string now = read_file(work / ("dst/f" + std::to_string(i)));
        old_files += now == content(i, 'o');
        new_files += now == content(i, 'n');
    }
    CHECK(old_files + new_files == files);  // never a mix, never missing
    CHECK(old_files > 0);
    command_result rerun = sh(sync_command(work.path(), ""));
    INFO(rerun.output);
    CHECK(rerun.status == 0);
    check_same_tree(work / "src", work / "dst");
    CHECK(temp_leftovers(work / "dst").empty());
}

TEST_CASE("sync makes the mirror's types follow the source's") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src/was-dir/inner");
    write_file(work / "src/was-dir/inner/x", "x");
    write_file(work / "src/was-file", "f");
    REQUIRE(sh(sync_command(work.path(), "")).status == 0);
    fs::remove_all(work / "src/was-dir");
    write_file(work / "src/was-dir", "now a file");
    fs::remove(work / "src/was-file");
    fs::create_directories(work / "src/was-file");
    write_file(work / "src/was-file/y", "y");

    // A file in the way of a directory is replaced; a directory in the way of a file only
    // with --delete (its contents go).
    command_result refused = sh(sync_command(work.path(), ""));
    INFO(refused.output);
    CHECK(refused.status == 23);
    CHECK(refused.output.find("--delete replaces it") != std::string::npos);
    CHECK(fs::is_directory(work / "dst/was-dir"));
    CHECK(read_file(work / "dst/was-file/y") == "y");

    command_result replaced = sh(sync_command(work.path(), "--delete --backup-dir ../kept"));
    INFO(replaced.output);
    CHECK(replaced.status == 0);
    check_same_tree(work / "src", work / "dst");
    CHECK(read_file(work / "kept/was-dir/inner/x") == "x");
}
