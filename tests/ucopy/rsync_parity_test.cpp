// ucopy -a -X --sync side by side with rsync -aHX (-X: both compare every file's xattrs):
// the scenarios of rsync's own test suite that
// apply to a local mirror (testsuite/{itemize,delete,exclude,hardlinks,xattrs,chmod,backup}
// _test.py), each run by both tools from the same source onto the same destination. The
// resulting trees must match (compare_trees: types, modes, owners, ns mtimes, links, xattrs,
// contents) and so must the --itemize-changes lines and the exit codes. Skipped where rsync
// is not installed.
//
// Times: rsync compares mtimes to the second, ucopy to the nanosecond; every entry is given
// whole-second times after each step so both see the same differences.
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;

namespace {

struct scenario {
    const char* name;
    const char* setup;       // shell, in the work directory: builds src/
    const char* change;      // shell, after the first sync: changes src/
    const char* dst_change;  // shell, then, run on each destination ($D: r, then u)
    const char* options;     // given to both tools for the second run
    bool ordered = false;    // compare the "*deleting" lines in output order too
    // What a shell cannot do without tools this machine may lack (setfattr), with the work
    // directory: after `setup`, and after `change`.
    void (*setup_more)(const std::string& work) = nullptr;
    void (*change_more)(const std::string& work) = nullptr;
};

void set_xattr(const std::string& path, const std::string& name, const std::string& value) {
    REQUIRE(::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) == 0);
}

// Ports, not copies: the trees and changes follow rsync's tests, the checks are ours.
const scenario scenarios[] = {
    {"itemize: a fresh tree, then content, mode, time and symlink changes",
     "mkdir -p src/foo src/bar/baz && printf 'config one\\n' > src/foo/config1 && "
     "printf 'config two\\n' > src/foo/config2 && printf 'rsync.h\\n' > src/bar/baz/rsync && "
     "chmod 600 src/foo/config1 src/foo/config2 src/bar/baz/rsync && "
     "ln -s ../bar/baz/rsync src/foo/sym && ln src/foo/config1 src/foo/extra",
     "printf 'config two, longer\\n' > src/foo/config2 && chmod 601 src/foo/config2 && "
     "ln -sfn ../bar/baz src/foo/sym",
     "chmod 777 $D/bar/baz/rsync", ""},
    {"itemize: metadata only (time, permissions, owner, group) on files and directories",
     "mkdir -p src/d/e && echo a > src/a && echo b > src/d/b && echo c > src/d/e/c",
     "touch -d @1500000000 src/a && chmod 700 src/d && chmod 640 src/d/b && "
     "if [ $(id -u) = 0 ]; then chown 1:2 src/d/e/c src/d/e; fi",
     "true", ""},
    {"itemize: names rsync escapes (newline, tab, control and non-UTF-8 bytes, \\#ddd)",
     "mkdir src && for n in 'nl\\nx' 'tab\\tx' 'c\\001x' 'bad\\377x' 'half\\303x' "
     "'utf8-\\303\\251' 'esc\\\\#123' 'del\\177x'; do printf x > \"src/$(printf \"$n\")\"; "
     "done && mkdir \"src/$(printf 'dir\\nname')\" && "
     "echo y > \"src/$(printf 'dir\\nname')/f\" && ln -s \"$(printf 'to\\377\\nthere')\" src/link",
     "echo changed > \"src/$(printf 'nl\\nx')\" && rm \"src/$(printf 'bad\\377x')\"",
     "mkdir -p \"$D/$(printf 'gone\\001')/$(printf 'deep\\377')\" && "
     "touch \"$D/$(printf 'gone\\001')/$(printf 'deep\\377')/$(printf 'x\\ny')\"",
     "--delete"},
    {"itemize: a symlink whose time alone changed, and --checksum on same-size contents",
     "mkdir src && ln -s target src/link && echo 1234 > src/same-size && echo x > src/kept",
     "touch -h src/link && echo 5678 > src/same-size", "true", "--checksum"},
    {"dry run: the lines of a real run, nothing changed",
     "mkdir -p src/d/gone && echo a > src/a && echo b > src/d/gone/b",
     "rm -rf src/d/gone && echo a2 > src/a && chmod 700 src/d", "true", "--delete --dry-run"},
    {"delete: a removed tree is deleted entry by entry, deepest first",
     "mkdir -p src/keep src/gone/c/cc src/gone/d && touch src/gone/a src/gone/b "
     "src/gone/c/cc/z src/gone/c/y src/gone/d/w src/keep/k",
     "rm -rf src/gone", "true", "--delete", true},
    {"delete: extraneous entries of every type, and type changes",
     "mkdir -p src/d src/to-file/sub src/x && echo f > src/to-dir && echo f > src/d/f && "
     "echo f > src/to-link && touch src/to-file/inner src/to-file/sub/deeper && "
     "mkfifo src/x/fifo-kept",
     "rm -rf src/to-dir src/to-file src/to-link && mkdir src/to-dir && "
     "echo now > src/to-file && ln -s d src/to-link",
     "mkdir -p $D/extra/sub && touch $D/extra/sub/z $D/d/stray && "
     "ln -s nowhere $D/x/dangling && mkfifo $D/x/fifo",
     "--delete"},
    {"delete: excluded entries are kept",
     "mkdir -p src/obj && echo c > src/a.c && echo c > src/obj/b.c", "true",
     "touch $D/a.o $D/obj/b.o && mkdir -p $D/cache && touch $D/cache/x",
     "--delete --exclude=*.o --exclude=cache/"},
    {"delete: --delete-excluded removes excluded entries",
     "mkdir -p src/obj && echo c > src/a.c && echo o > src/a.o && echo c > src/obj/b.c", "true",
     "touch $D/obj/b.o", "--delete --delete-excluded --exclude=*.o"},
    {"delete: --max-delete stops deleting (exit 25)", "mkdir src && touch src/a src/b src/c src/d",
     "rm src/a src/b src/c", "true", "--delete --max-delete=2"},
    {"exclude: rules in order, anchored and unanchored, directories only, **",
     "mkdir -p src/foo/down/to/you src/bar/down src/mid/for/foo/and/that src/new && "
     "for f in foo/file1 foo/file2 foo/down/to/you/file3 foo/down/to/you/file4.junk "
     "bar/down/file5 bar/down/file6.bak mid/for/foo/and/that/file7 new/file8 file9.c "
     "file10.bak; do echo $f > src/$f; done",
     "echo more > src/foo/file2 && echo new > src/mid/for/foo/and/that/new", "true",
     "--delete --exclude=*.bak --include=down/to/you/*.junk --exclude=*.junk "
     "--exclude=/new/ --exclude=mid/**/that/ --exclude=/foo/down/to/you/file3"},
    {"hardlinks: groups in one directory and across directories, then a link broken",
     "mkdir -p src/a src/b && echo one > src/a/one && ln src/a/one src/a/two && "
     "ln src/a/one src/b/three && echo solo > src/a/solo && echo four > src/b/four && "
     "ln src/b/four src/b/five",
     "rm src/a/two && echo two > src/a/two && echo seven > src/a/seven && "
     "ln src/a/seven src/b/eight",
     "true", ""},
    {"xattrs: files and directories gain and change attributes",
     "mkdir -p src/d && echo a > src/a && echo b > src/d/b && echo c > src/c", "true", "true", "",
     false,
     [](const std::string& work) {
         set_xattr(work + "/src/a", "user.one", "1");
         set_xattr(work + "/src/d", "user.dir", "d");
         set_xattr(work + "/src/c", "user.big", std::string(3000, 'v'));
     },
     [](const std::string& work) {
         set_xattr(work + "/src/a", "user.one", "changed");
         set_xattr(work + "/src/d/b", "user.two", "2");
         set_xattr(work + "/src/d", "user.dir", "d2");
     }},
    {"chmod: files and directories of many modes, read-only ones included",
     "mkdir -p src/open src/shut src/sticky && echo a > src/open/a && echo b > src/shut/b && "
     "echo x > src/exec && chmod 755 src/exec && chmod 444 src/open/a && "
     "chmod 1777 src/sticky && chmod 2755 src/open && chmod 500 src/shut",
     "chmod 600 src/open/a && chmod 711 src/exec && chmod 755 src/shut && chmod 2700 src/open",
     "true", ""},
    {"backup: replaced and deleted files are moved into --backup-dir",
     "mkdir -p src/d src/e/f && echo a > src/a && echo b > src/d/b && echo c > src/d/c && "
     "echo g > src/e/f/g && chmod 750 src/e/f",
     "echo a2 > src/a && rm src/d/c && rm -r src/e", "true", "--delete --backup-dir=../bak-$D"},
};

// A hard-linked file's lines without the choice of which name carries the data: rsync
// writes the last name of a group in its sorted file list (">f") and links the others to it
// ("hf ... => it"); ucopy writes the first name its walk meets. The trees are compared too,
// so the groups themselves are checked there.
std::vector<std::string> without_link_leaders(std::vector<std::string> lines,
                                              const std::string& tree) {
    for (std::string& line : lines) {
        if (line.size() <= 12 || line[1] != 'f' || (line[0] != '>' && line[0] != 'h')) continue;
        std::string path = line.substr(12, line.find(" => ") - 12);
        struct stat st {};
        if (::lstat((tree + "/" + path).c_str(), &st) != 0 || st.st_nlink < 2) continue;
        line = "=" + line.substr(1, 11) + path;
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> deletions(const std::string& output) {
    std::vector<std::string> lines = itemized(output, false);
    std::erase_if(lines, [](const std::string& l) { return l[0] != '*'; });
    return lines;
}

// Whole-second times on everything in `trees` newer than `since` (all of it at first).
std::string settle_times(const std::string& trees, const std::string& since,
                         const std::string& to) {
    return "touch -d @" + since + " marker && find " + trees +
           " -newer marker -exec touch -h -d @" + to + " {} + && rm marker";
}

}  // namespace

TEST_CASE("ucopy --sync -i matches rsync -aHXi, scenario by scenario") {
    if (!have_rsync()) uio::testing::skip("rsync is not installed");
    for (const scenario& s : scenarios) {
        DYNAMIC_SECTION(s.name) {
            uio::testing::temp_dir work;
            const std::string cd = "cd " + q(work.path()) + " && ";
            REQUIRE(sh(cd + s.setup).status == 0);
            if (s.setup_more) s.setup_more(work.path());
            REQUIRE(sh(cd + settle_times("src", "1500000000", "1600000000")).status == 0);

            // The first copy into nothing.
            command_result r = sh(cd + "rsync -aHXi src/ r/ 2>&1");
            command_result u = sh(cd + ucopy_binary() + " -a -X --sync -i src/ u/ 2>&1");
            INFO("rsync:\n" << r.output << "ucopy:\n" << u.output);
            REQUIRE(r.status == 0);
            CHECK(u.status == 0);
            CHECK(without_link_leaders(itemized(u.output), work / "u") ==
                  without_link_leaders(itemized(r.output), work / "r"));
            CHECK(u.output.find("created directory u\n") != std::string::npos);
            CHECK(r.output.find("created directory r\n") != std::string::npos);
            check_same_tree(work / "r", work / "u");

            // The change, then the second run with the scenario's options.
            REQUIRE(sh(cd + s.change).status == 0);
            if (s.change_more) s.change_more(work.path());
            const std::string dst_change =
                std::string("D=r; (") + s.dst_change + ") && D=u; (" + s.dst_change + ")";
            REQUIRE(sh(cd + dst_change).status == 0);
            REQUIRE(sh(cd + settle_times("src r u", "1650000000", "1700000000")).status == 0);
            const std::string options = s.options;
            r = sh(cd + "D=r; rsync -aHXi " + options + " src/ r/ 2>&1");
            u = sh(cd + "D=u; " + ucopy_binary() + " -a -X --sync -i " + options + " src/ u/ 2>&1");
            INFO("second run, rsync:\n" << r.output << "ucopy:\n" << u.output);
            CHECK(u.status == r.status);
            CHECK(without_link_leaders(itemized(u.output), work / "u") ==
                  without_link_leaders(itemized(r.output), work / "r"));
            if (s.ordered) CHECK(deletions(u.output) == deletions(r.output));
            check_same_tree(work / "r", work / "u");
            if (std::string(s.options).find("--backup-dir") != std::string::npos) {
                // Directories made in the backup have the times of their making.
                REQUIRE(
                    sh(cd + "find bak-r bak-u -type d -exec touch -d @1600000000 {} +").status ==
                    0);
                check_same_tree(work / "bak-r", work / "bak-u");
            }
        }
    }
}

TEST_CASE(
    "ucopy -x copies a mount point empty and leaves other file systems in DST alone as rsync -x") {
    if (!have_rsync()) uio::testing::skip("rsync is not installed");
    uio::testing::temp_dir work;
    // A private mount namespace: the tmpfs mounts vanish with the shell, whatever happens.
    const std::string probe = "unshare -m sh -c 'mount -t tmpfs none " + q(work.path()) + "'";
    if (sh(probe).status != 0) uio::testing::skip("cannot mount a tmpfs here (needs root)");
    const std::string script =
        "set -e; cd " + q(work.path()) +
        "; mkdir -p src/mnt src/plain src/other && echo a > src/plain/a"
        " && mount -t tmpfs -o mode=0750 none src/mnt && echo hidden > src/mnt/below"
        " && mkdir src/mnt/deeper && touch -d @1600000000 src/other"
        " && rsync -aHXxi src/ r/ > r1.out && " +
        ucopy_binary() +
        " -a --sync -x -i src/ u/ > u1.out"
        // Destination side: a file system mounted in DST keeps what the source lacks.
        " && for d in r u; do mount -t tmpfs none $d/other && echo keep > $d/other/extra"
        " && touch -d @1700000000 $d/other; done"
        " && rsync -aHXxi --delete src/ r/ > r2.out && " +
        ucopy_binary() +
        " -a --sync -x -i --delete src/ u/ > u2.out"
        " && for d in r u; do ls -A $d/mnt; ls -A $d/other; stat -c '%a' $d/mnt; done";
    command_result run = sh("unshare -m sh -c " + q(script));
    INFO(run.output);
    REQUIRE(run.status == 0);
    // r/mnt, r/other, u/mnt, u/other: mount points copied empty (mode 750, the mounted
    // root's), the destination's own mount untouched.
    CHECK(run.output == "extra\n750\nextra\n750\n");
    for (const char* out : {"1", "2"}) {
        const std::string r = read_file(work / (std::string("r") + out + ".out"));
        const std::string u = read_file(work / (std::string("u") + out + ".out"));
        INFO("rsync:\n" << r << "ucopy:\n" << u);
        CHECK(itemized(u) == itemized(r));
    }
}

TEST_CASE("rsync's -H, -X, -S and -q are accepted with rsync's meaning") {
    uio::testing::temp_dir work;
    std::filesystem::create_directories(work / "src");
    write_file(work / "src/zeros", std::string(1 << 20, '\0'));
    write_file(work / "src/a", "a");
    REQUIRE(::link((work / "src/a").c_str(), (work / "src/b").c_str()) == 0);
    REQUIRE(::setxattr((work / "src/a").c_str(), "user.k", "v", 1, 0) == 0);
    // -H and -X without -a ask for links and xattrs (with -a they are no-ops).
    command_result r =
        sh(ucopy_binary() + " -r -H -X -S " + q(work / "src") + " " + q(work / "d1"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    struct stat a {
    }, b{}, zeros{};
    REQUIRE(::stat((work / "d1/a").c_str(), &a) == 0);
    REQUIRE(::stat((work / "d1/b").c_str(), &b) == 0);
    REQUIRE(::stat((work / "d1/zeros").c_str(), &zeros) == 0);
    CHECK(a.st_ino == b.st_ino);
    char value[8] = {};
    CHECK(::getxattr((work / "d1/a").c_str(), "user.k", value, sizeof value) == 1);
    CHECK(zeros.st_blocks == 0);  // -S: runs of zeros become holes
    // -q: no -i or -v lines; the copy is done all the same.
    command_result quiet =
        sh(ucopy_binary() + " -a --sync -q -i -v " + q(work / "src") + "/ " + q(work / "d2"));
    CHECK(quiet.status == 0);
    CHECK(quiet.output.empty());
    check_same_tree(work / "src", work / "d2");
}
