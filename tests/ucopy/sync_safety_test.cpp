// ucopy --sync never loses or misses data: several sources are one mirror, every run of a
// command gives the same tree, an empty source does not empty its mirror, no xattr change is
// missed (with -X; -a alone misses none made on the source since the mirror's last change),
// read-only directories are updated by a user who is not root, and a file that
// vanishes mid-run is a warning (exit 24) that blocks no deletion. rsync -aHX --delete is the
// reference where one exists.
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <sstream>

#include <uio/uring/stat_time.hpp>

#include "copy_gate.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Every path below `root`, sorted ("" for none).
std::vector<std::string> paths_below(const std::string& root) {
    std::vector<std::string> paths;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        paths.push_back(fs::relative(e.path(), root).string());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

// The names below two trees and the contents of their files are the same. (rsync is the
// reference for which entries a command makes; the metadata of each is compared with its
// source by check_same_tree: this rsync does not always keep a new directory's mtime.)
void check_same_entries(const std::string& expected, const std::string& actual) {
    const std::vector<std::string> names = paths_below(expected);
    REQUIRE(paths_below(actual) == names);
    for (const std::string& name : names) {
        if (!fs::is_regular_file(expected + "/" + name)) continue;
        INFO(name);
        CHECK(read_file(actual + "/" + name) == read_file(expected + "/" + name));
    }
}

std::int64_t mtime_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return uio::mtime_ns(st);
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::string xattr_of(const std::string& path, const char* name) {
    char value[256];
    const ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
    return n < 0 ? std::string("<none>") : std::string(value, static_cast<std::size_t>(n));
}

// Returns once the realtime clock is a few ticks past `path`'s ctime: a change made after
// then gets a later ctime (the kernel stamps ctimes from a clock that advances per tick).
void wait_past_ctime(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    timespec now{};
    do {
        ::clock_gettime(CLOCK_REALTIME, &now);
    } while (uio::nanoseconds(now) < uio::ctime_ns(st) + 20'000'000);
}

// Two sources sharing a directory and a file name, with files of their own.
void build_two_sources(const std::string& work) {
    for (const char* dir : {"A/shared/deep", "B/shared/deep", "B/only-b"}) {
        fs::create_directories(work + "/" + dir);
    }
    for (int i = 0; i < 40; ++i) {
        write_file(work + "/A/a" + std::to_string(i), "a" + std::to_string(i));
        write_file(work + "/B/b" + std::to_string(i), "b" + std::to_string(i));
        write_file(work + "/A/shared/deep/a" + std::to_string(i), "deep a");
        write_file(work + "/B/shared/deep/b" + std::to_string(i), "deep b");
    }
    write_file(work + "/A/both", "from A");
    write_file(work + "/B/both", "from B, longer");
    write_file(work + "/B/only-b/x", "x");
    ::chmod((work + "/A/shared").c_str(), 0750);
    ::chmod((work + "/B/shared").c_str(), 0705);
}

}  // namespace

TEST_CASE("several sources are one mirror: deletion keeps what any source has, as rsync") {
    if (!have_rsync()) uio::testing::skip("rsync not installed");
    uio::testing::temp_dir work;
    build_two_sources(work.path());
    fs::create_directories(work / "dst/stale-dir");
    fs::create_directories(work / "dst/shared/deep");
    write_file(work / "dst/stale", "s");
    write_file(work / "dst/shared/deep/stale", "s");
    fs::copy(work / "dst", work / "ref", fs::copy_options::recursive);
    REQUIRE(sh("cd " + q(work.path()) + " && rsync -aHX --delete A/ B/ ref").status == 0);

    // The order work is done in varies with the walkers and files in flight; the tree never.
    const std::string flags = GENERATE(std::string("--walkers 1 --queue-depth 1"),
                                       std::string("--walkers 8 --queue-depth 64"));
    INFO(flags);
    const std::string run = "cd " + q(work.path()) + " && " + ucopy_binary() +
                            " -a --sync --delete --stats=json " + flags;
    command_result first = sh(run + " A/ B/ dst");
    INFO(first.output);
    REQUIRE(first.status == 0);
    check_same_entries(work / "ref", work / "dst");
    CHECK(read_file(work / "dst/both") == "from A");  // the first source named wins
    CHECK(mode_of(work / "dst/shared") == 0750);      // for a directory's metadata too
    for (const char* dir : {"", "/shared", "/shared/deep"}) {
        INFO(dir);
        CHECK(mtime_of(work / ("dst" + std::string(dir))) ==
              mtime_of(work / ("A" + std::string(dir))));
    }
    CHECK(mtime_of(work / "dst/only-b") == mtime_of(work / "B/only-b"));

    command_result again = sh(run + " -i A/ B/ dst");
    INFO(again.output);
    CHECK(again.status == 0);
    CHECK(stat_of(again.output, "copied") == 0);
    CHECK(stat_of(again.output, "deleted") == 0);
    CHECK(stat_of(again.output, "metadata_updated") == 0);
    check_same_entries(work / "ref", work / "dst");
    CHECK(mtime_of(work / "dst/shared/deep") == mtime_of(work / "A/shared/deep"));

    // A source named without its slash lands in DST/NAME; the other source lacks that name
    // and must not delete it.
    REQUIRE(sh("cd " + q(work.path()) + " && rsync -aHX --delete A/ B ref2").status == 0);
    command_result named = sh(run + " A/ B dst2");
    INFO(named.output);
    CHECK(named.status == 0);
    check_same_entries(work / "ref2", work / "dst2");
    check_same_tree(work / "B", work / "dst2/B");
    command_result named_again = sh(run + " A/ B dst2");
    CHECK(named_again.status == 0);
    CHECK(stat_of(named_again.output, "deleted") == 0);
    check_same_entries(work / "ref2", work / "dst2");
}

TEST_CASE("a sync command gives the same tree on every run, by rsync's trailing-slash rule") {
    if (!have_rsync()) uio::testing::skip("rsync not installed");
    uio::testing::temp_dir work;
    fs::create_directories(work / "full/sub");
    write_file(work / "full/sub/x", "x");
    write_file(work / "full/y", "y");
    write_file(work / "file", "f");
    const std::string at = "cd " + q(work.path()) + " && ";
    // (ucopy's operands, rsync's operands): the same words, but ucopy's destinations are
    // u-prefixed.
    const std::vector<std::pair<std::string, std::string>> commands = {
        {"full um", "full rm"},                // a directory: DST/full, DST made
        {"full/ un", "full/ rn"},              // its contents: DST itself
        {"file uf", "file rf"},                // one file to a new name
        {"file full/ ud/", "file full/ rd/"},  // DST/ and several sources: a directory
    };
    for (const auto& [mine, theirs] : commands) {
        INFO(mine);
        REQUIRE(sh(at + "rsync -aHX --delete " + theirs).status == 0);
        const std::string dst = work / ("u" + mine.substr(mine.rfind(' ') + 2));
        const std::string ref = work / ("r" + theirs.substr(theirs.rfind(' ') + 2));
        for (int run = 1; run <= 2; ++run) {
            INFO("run " << run);
            command_result r = sh(at + ucopy_binary() + " -a --sync --delete " + mine);
            INFO(r.output);
            CHECK(r.status == 0);
            REQUIRE(fs::is_directory(dst) == fs::is_directory(ref));
            if (fs::is_directory(ref)) {
                check_same_entries(ref, dst);
            } else {
                CHECK(read_file(dst) == read_file(ref));
            }
        }
    }
    CHECK(paths_below(work / "um") ==
          std::vector<std::string>{"full", "full/sub", "full/sub/x", "full/y"});
    check_same_tree(work / "full", work / "um/full");
    check_same_tree(work / "full", work / "un");

    // A dry run into a DST that is not there yet changes nothing, and says what it would do.
    command_result dry = sh(at + ucopy_binary() + " -a --sync --dry-run -i full new");
    INFO(dry.output);
    CHECK(dry.status == 0);
    CHECK_FALSE(fs::exists(work / "new"));
    CHECK(dry.output.find("sub/x") != std::string::npos);

    // Without --sync, cp's rule stands: a new DST is the copy, an existing one receives it.
    REQUIRE(sh(at + ucopy_binary() + " -a full c").status == 0);
    CHECK(fs::exists(work / "c/sub/x"));
    REQUIRE(sh(at + ucopy_binary() + " -a full c").status == 0);
    CHECK(fs::exists(work / "c/full/sub/x"));
}

TEST_CASE("an empty source does not empty its mirror unless --delete-all-ok says so") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    write_file(work / "src/a", "a");
    const std::string at =
        "cd " + q(work.path()) + " && " + ucopy_binary() + " -a --sync --delete ";
    REQUIRE(sh(at + "src/ dst").status == 0);
    fs::create_directories(work / "empty");

    command_result refused = sh(at + "empty/ dst");
    INFO(refused.output);
    CHECK(refused.status == 23);  // rsync's partial transfer, as every failed --sync
    CHECK(refused.output.find("refusing to delete all 1 entries") != std::string::npos);
    CHECK(refused.output.find("--delete-all-ok") != std::string::npos);
    CHECK(read_file(work / "dst/a") == "a");

    // Beside a source that holds everything, the empty one has nothing to delete.
    command_result beside = sh(at + "src/ empty/ dst");
    INFO(beside.output);
    CHECK(beside.status == 0);
    CHECK(read_file(work / "dst/a") == "a");

    // A source that is not there at all deletes nothing either.
    command_result missing = sh(at + "gone/ dst");
    CHECK(missing.status == 23);
    CHECK(read_file(work / "dst/a") == "a");

    // An empty source below the root is an ordinary change.
    fs::create_directories(work / "src/sub");
    REQUIRE(sh(at + "src/ dst").status == 0);
    write_file(work / "dst/sub/extra", "e");
    CHECK(sh(at + "src/ dst").status == 0);
    CHECK_FALSE(fs::exists(work / "dst/sub/extra"));

    command_result allowed = sh(at + "--delete-all-ok empty/ dst");
    INFO(allowed.output);
    CHECK(allowed.status == 0);
    CHECK(paths_below(work / "dst").empty());
    CHECK(sh(ucopy_binary() + " --delete-all-ok a b").status == 2);  // goes with --sync
}

TEST_CASE("sync -X finds an xattr change whatever the mirror's ctime, and drops xattrs") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src/dir");
    write_file(work / "src/file", "f");
    if (::setxattr((work / "src/file").c_str(), "user.t", "1", 1, 0) != 0) {
        uio::testing::skip("no user xattrs here");
    }
    const std::string run =
        "cd " + q(work.path()) + " && " + ucopy_binary() + " -a -X --sync src/ dst";
    REQUIRE(sh(run).status == 0);
    REQUIRE(xattr_of(work / "dst/file", "user.t") == "1");
    // The source changes, then the mirror's ctime moves past it (chmod there and back, a
    // hard link made and removed): the ctime said nothing about the xattrs.
    REQUIRE(::setxattr((work / "src/file").c_str(), "user.t", "2", 1, 0) == 0);
    REQUIRE(::chmod((work / "dst/file").c_str(), 0600) == 0);
    REQUIRE(::chmod((work / "dst/file").c_str(), 0644) == 0);
    REQUIRE(::link((work / "dst/file").c_str(), (work / "dst/link").c_str()) == 0);
    REQUIRE(::unlink((work / "dst/link").c_str()) == 0);
    // Xattrs only the mirror has go, on a file and on a directory, as with rsync -X.
    REQUIRE(::setxattr((work / "dst/file").c_str(), "user.extra", "x", 1, 0) == 0);
    REQUIRE(::setxattr((work / "dst/dir").c_str(), "user.extra", "x", 1, 0) == 0);

    command_result r = sh(run + " -i");
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(xattr_of(work / "dst/file", "user.t") == "2");
    CHECK(xattr_of(work / "dst/file", "user.extra") == "<none>");
    CHECK(xattr_of(work / "dst/dir", "user.extra") == "<none>");
    check_same_tree(work / "src", work / "dst");
    CHECK(sh(run + " -i").output.find(".f") == std::string::npos);  // and then nothing
}

TEST_CASE("sync -a compares xattrs where the source changed since the mirror; -X everywhere") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    for (const char* name : {"changed", "kept", "mirror-touched"}) {
        write_file(work / (std::string("src/") + name), name);
        if (::setxattr((work / (std::string("src/") + name)).c_str(), "user.t", "1", 1, 0) != 0) {
            uio::testing::skip("no user xattrs here");
        }
    }
    const std::string at = "cd " + q(work.path()) + " && " + ucopy_binary();
    // A ctime is as coarse as the kernel's clock tick: each step starts a tick after the
    // last, so that the mirror's ctimes are newer than the source's and a change's newer
    // than the mirror's.
    wait_past_ctime(work / "src/mirror-touched");
    REQUIRE(sh(at + " -a --sync src/ dst").status == 0);
    wait_past_ctime(work / "dst/changed");
    // On the source, after the copy: its ctime is newer than the mirror's, so -a compares.
    REQUIRE(::setxattr((work / "src/changed").c_str(), "user.t", "2", 1, 0) == 0);
    // On the mirror only: the source's ctime is older, so -a trusts the mirror as rsync -a
    // trusts size and mtime; -X compares every file and finds it.
    REQUIRE(::setxattr((work / "dst/mirror-touched").c_str(), "user.extra", "x", 1, 0) == 0);

    command_result quick = sh(at + " -a --sync -i src/ dst");
    INFO(quick.output);
    CHECK(quick.status == 0);
    CHECK(quick.output.find(".f........x changed\n") != std::string::npos);
    CHECK(quick.output.find("mirror-touched") == std::string::npos);
    CHECK(quick.output.find("kept") == std::string::npos);
    CHECK(xattr_of(work / "dst/changed", "user.t") == "2");
    CHECK(xattr_of(work / "dst/mirror-touched", "user.extra") == "x");

    command_result every = sh(at + " -a -X --sync -i src/ dst");
    INFO(every.output);
    CHECK(every.status == 0);
    CHECK(every.output.find(".f........x mirror-touched\n") != std::string::npos);
    CHECK(every.output.find(" changed\n") == std::string::npos);
    CHECK(every.output.find(" kept\n") == std::string::npos);
    CHECK(xattr_of(work / "dst/mirror-touched", "user.extra") == "<none>");
    CHECK(xattr_of(work / "dst/kept", "user.t") == "1");
    check_same_tree(work / "src", work / "dst");
}

namespace {

// Runs `args` with a copy of ucopy as nobody (65534) in `work`, which nobody may enter.
command_result as_nobody(const uio::testing::temp_dir& work, const std::string& args) {
    return sh("cd " + q(work.path()) + " && setpriv --reuid=65534 --regid=65534 --clear-groups " +
              q(work / "ucopy") + " " + args);
}

void prepare_for_nobody(const uio::testing::temp_dir& work) {
    if (::access("/usr/bin/setpriv", X_OK) != 0) uio::testing::skip("setpriv not installed");
    if (::geteuid() != 0) uio::testing::skip("needs root to become nobody");
    ::chmod(work.path().c_str(), 0777);
    // The build tree may sit where nobody cannot enter (/root/...): run a copy of the binary.
    fs::copy_file(UCOPY_BINARY, work / "ucopy");
    ::chmod((work / "ucopy").c_str(), 0755);
}

void give_to_nobody(const std::string& root) {
    REQUIRE(::chown(root.c_str(), 65534, 65534) == 0);
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        REQUIRE(::lchown(e.path().c_str(), 65534, 65534) == 0);
    }
}

}  // namespace

TEST_CASE("as a user who is not root, read-only directories are updated and keep their mode") {
    uio::testing::temp_dir work;
    prepare_for_nobody(work);
    fs::create_directories(work / "src/ro/inner");
    write_file(work / "src/ro/file", "old");
    write_file(work / "src/ro/gone", "g");
    write_file(work / "src/ro/inner/file", "old");
    give_to_nobody(work / "src");
    ::chmod((work / "src/ro/inner").c_str(), 0500);
    ::chmod((work / "src/ro").c_str(), 0555);
    command_result first = as_nobody(work, "-a --sync --delete src/ dst");
    INFO(first.output);
    if (first.output.find("io_uring") != std::string::npos && first.status != 0) {
        uio::testing::skip("io_uring not available to an unprivileged user: " + first.output);
    }
    REQUIRE(first.status == 0);
    REQUIRE(mode_of(work / "dst/ro") == 0555);

    // The source changes inside its read-only directories.
    ::chmod((work / "src/ro").c_str(), 0755);
    ::chmod((work / "src/ro/inner").c_str(), 0700);
    write_file(work / "src/ro/file", "new, longer");
    write_file(work / "src/ro/added", "a");
    write_file(work / "src/ro/inner/file", "new, longer");
    fs::remove(work / "src/ro/gone");
    give_to_nobody(work / "src");
    ::chmod((work / "src/ro/inner").c_str(), 0500);
    ::chmod((work / "src/ro").c_str(), 0555);

    command_result sync = as_nobody(work, "-a --sync --delete -i src/ dst");
    INFO(sync.output);
    CHECK(sync.status == 0);
    CHECK(read_file(work / "dst/ro/file") == "new, longer");
    CHECK(read_file(work / "dst/ro/added") == "a");
    CHECK(read_file(work / "dst/ro/inner/file") == "new, longer");
    CHECK_FALSE(fs::exists(work / "dst/ro/gone"));
    CHECK(mode_of(work / "dst/ro") == 0555);
    CHECK(mode_of(work / "dst/ro/inner") == 0500);
    check_same_tree(work / "src", work / "dst");

    // Without --sync: copying src/ro again into the copy of src (cp's rule: OUT/ro exists,
    // so the copy goes into it) updates the read-only directories too.
    REQUIRE(as_nobody(work, "-a src out").status == 0);
    REQUIRE(mode_of(work / "out/ro/inner") == 0500);
    ::chmod((work / "src/ro/inner").c_str(), 0700);
    write_file(work / "src/ro/inner/file", "newer still");
    ::lchown((work / "src/ro/inner/file").c_str(), 65534, 65534);
    ::chmod((work / "src/ro/inner").c_str(), 0500);
    command_result again = as_nobody(work, "-a src/ro out");
    INFO(again.output);
    CHECK(again.status == 0);
    CHECK(read_file(work / "out/ro/inner/file") == "newer still");
    CHECK(mode_of(work / "out/ro/inner") == 0500);
    CHECK(mode_of(work / "out/ro") == 0555);

    // A failure inside a read-only directory still puts its mode back.
    ::chmod((work / "src/ro").c_str(), 0755);
    write_file(work / "src/ro/secret", "s", 0000);
    ::lchown((work / "src/ro/secret").c_str(), 65534, 65534);
    ::chmod((work / "src/ro").c_str(), 0555);
    command_result failed = as_nobody(work, "-a --sync --delete src/ dst");
    INFO(failed.output);
    CHECK(failed.status == 23);
    CHECK(failed.output.find("secret") != std::string::npos);
    CHECK(mode_of(work / "dst/ro") == 0555);

    // A source root nobody may read deletes nothing from its mirror.
    fs::create_directories(work / "closed");
    give_to_nobody(work / "closed");
    ::chmod((work / "closed").c_str(), 0000);
    command_result closed = as_nobody(work, "-a --sync --delete closed/ dst");
    INFO(closed.output);
    CHECK(closed.status == 23);
    CHECK(closed.output.find("Permission denied") != std::string::npos);
    CHECK(read_file(work / "dst/ro/added") == "a");
}

TEST_CASE("a source file that vanishes mid-sync is a warning, exit 24, and deletions run") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    const std::string big(3 << 20, 'x');  // more than one chunk: the gate holds it mid-copy
    write_file(work / "src/one", big);
    write_file(work / "src/two", big);
    const std::string flags =
        " -a --sync --delete --queue-depth 1 --no-chains --strategy read-write src/ dst";
    const std::string at = "cd " + q(work.path()) + " && ";
    REQUIRE(sh(at + ucopy_binary() + flags).status == 0);
    write_file(work / "dst/extraneous", "e");
    write_file(work / "src/one", big + "changed");
    write_file(work / "src/two", big + "changed");

    // One worker: the first file held at the gate, the other listed, stat'ed and waiting
    // behind it; that other one is deleted before the gate opens.
    copy_gate gate(work / "gate");
    const std::string gate_dir = work / "gate";
    command_result r =
        sh(at + gate.shell_env() + ucopy_testable_binary() + flags + " 2>&1 & pid=$!; " +
           gate.shell_wait_for_arrivals(1) + "if grep -q one " + q(gate_dir + "/arrived") +
           "; then rm " + q(work / "src/two") + "; else rm " + q(work / "src/one") +
           "; fi; touch " + q(gate_dir + "/open") + "; wait $pid");
    const std::string output = r.output;
    INFO(output);
    const std::vector<std::string> held = gate.arrivals();
    REQUIRE(held.size() == 1);
    const bool one_held = held[0].find("one") != std::string::npos;
    const std::string vanishing = one_held ? "two" : "one";
    CHECK(r.status == 24);
    CHECK(occurrences(output, "file has vanished: 'src/./" + vanishing + "'") == 1);
    CHECK(output.find("nothing deleted") == std::string::npos);
    CHECK_FALSE(fs::exists(work / "dst/extraneous"));
    CHECK(read_file(work / ("dst/" + std::string(one_held ? "one" : "two"))) == big + "changed");
}
