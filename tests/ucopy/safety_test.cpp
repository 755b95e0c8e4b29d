// What must never go wrong: a corrupted copy passing --verify, a half-written file under
// its final name after kill -9 or a full disk, an unreadable file stopping the rest.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "copy_gate.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

void build_bulk_tree(const std::string& root, int files, std::size_t file_size, std::size_t big) {
    fs::create_directories(root + "/many");
    for (int i = 0; i < files; ++i) {
        std::string content(file_size, static_cast<char>('a' + i % 26));
        content += std::to_string(i);
        write_file(root + "/many/f" + std::to_string(i), content);
    }
    std::string large(big, '\0');
    for (std::size_t i = 0; i < large.size(); i += 4096) large[i] = static_cast<char>(i >> 12);
    write_file(root + "/large", large);
}

// Every file under its final name in `dst` has the content of its source.
std::vector<std::string> wrong_final_files(const std::string& src, const std::string& dst) {
    std::vector<std::string> wrong;
    for (auto& e : fs::recursive_directory_iterator(dst)) {
        if (!e.is_regular_file()) continue;
        std::string rel = e.path().lexically_relative(dst).string();
        if (e.path().filename().string().rfind(".ucopy-", 0) == 0) continue;
        if (read_file(src + "/" + rel) != read_file(e.path().string())) wrong.push_back(rel);
    }
    return wrong;
}

// `ucopy -a --verify src dst` of a bulk tree in `work`, with UCOPY_TEST_CORRUPT=large: the
// test hook (in the test-only twin) flips the first byte of dst/large just before --verify.
command_result verify_with_corrupt_hook(const uio::testing::temp_dir& work,
                                        const std::string& ucopy) {
    build_bulk_tree(work / "src", 5, 100'000, 1 << 20);
    return sh("UCOPY_TEST_CORRUPT=large " + ucopy + " -a --verify " + q(work / "src") + " " +
              q(work / "dst"));
}

}  // namespace

TEST_CASE("verify catches a destination corrupted after writing") {
    uio::testing::temp_dir work;
    command_result r = verify_with_corrupt_hook(work, ucopy_testable_binary());
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("verification failed: '" + (work / "dst/large") + "'") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(work / "dst/large"));  // never published under its final name
    CHECK(fs::exists(work / "dst/many/f4"));      // the rest was copied
    CHECK(temp_leftovers(work / "dst").empty());
}

TEST_CASE("the shipped ucopy has no test hooks: UCOPY_TEST_CORRUPT changes nothing there") {
    uio::testing::temp_dir work;
    command_result r = verify_with_corrupt_hook(work, ucopy_binary());
    INFO(r.output);
    CHECK(r.status == 0);
    check_same_tree(work / "src", work / "dst");
}

TEST_CASE("kill -9 mid-copy leaves no wrong final file and a rerun with --journal finishes") {
    uio::testing::temp_dir work;
    build_bulk_tree(work / "src", 30, 200'000, 48 << 20);
    const std::string journal = work / "journal.db";
    // The kill lands mid-copy: the large file is held at the test gate while the small ones
    // go on, and it comes once the journal has committed some of them (every 200 ms; each
    // file waits 40 ms in the delay hook, so 30 of them take longer than that).
    copy_gate gate(work / "gate", 0, "/large");
    const std::string journaled =
        "$(sqlite3 " + q(journal) + " 'select count(*) from files' 2>/dev/null || echo 0)";
    command_result killed = sh(
        "cd " + q(work.path().string()) + " && (UCOPY_TEST_CHUNK_DELAY_MS=40 " + gate.shell_env() +
        ucopy_testable_binary() + " -a --strategy=read-write --queue-depth 4 --journal " +
        q(journal) + " src/. dst & pid=$!; " + gate.shell_wait_for_arrivals(1) +
        "end=$(($(date +%s) + 120)); while [ " + journaled +
        " -lt 5 ] && [ $(date +%s) -lt $end ]; do sleep 0.01; done; kill -9 $pid; wait $pid)");
    REQUIRE(gate.arrivals().size() == 1);
    INFO(killed.output);
    CHECK(killed.status == 128 + 9);
    REQUIRE(fs::exists(work / "dst"));
    std::vector<std::string> wrong = wrong_final_files(work / "src", work / "dst");
    CHECK(wrong.empty());
    CHECK_FALSE(fs::exists(work / "dst/large"));  // was still in flight

    command_result rerun = sh("cd " + q(work.path().string()) + " && " + ucopy_binary() +
                              " -a --stats=json --journal " + q(journal) + " src/. dst");
    INFO(rerun.output);
    CHECK(rerun.status == 0);
    CHECK(rerun.output.find("\"journal_skipped\":0,") == std::string::npos);
    check_same_tree(work / "src", work / "dst");
    CHECK(temp_leftovers(work / "dst").empty());
}

namespace {

// `ucopy -r WORK/src WORK/out` as nobody (65534): root reads everything, nobody is bound by
// mode 000. Skips where setpriv or an unprivileged io_uring is missing.
command_result copy_src_as_nobody(const uio::testing::temp_dir& work) {
    if (::access("/usr/bin/setpriv", X_OK) != 0) uio::testing::skip("setpriv not installed");
    fs::create_directories(work / "out");
    ::chown((work / "out").c_str(), 65534, 65534);
    // The build tree may sit where nobody cannot enter (/root/...): run a copy of the binary.
    fs::copy_file(UCOPY_BINARY, work / "ucopy");
    ::chmod((work / "ucopy").c_str(), 0755);
    command_result r = sh("setpriv --reuid=65534 --regid=65534 --clear-groups " +
                          q(work / "ucopy") + " -r " + q(work / "src") + " " + q(work / "out"));
    if (r.output.find("io_uring") != std::string::npos && r.status != 1) {
        uio::testing::skip("io_uring not available to an unprivileged user: " + r.output);
    }
    return r;
}

}  // namespace

TEST_CASE("an unreadable source file is reported, the rest is copied, exit 1") {
    uio::testing::temp_dir work;
    ::chmod(work.path().c_str(), 0755);
    fs::create_directories(work / "src");
    write_file(work / "src/readable", "yes");
    write_file(work / "src/secret", "no", 0000);
    command_result r = copy_src_as_nobody(work);
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("ucopy: cannot open '" + (work / "src/secret") +
                        "' for reading: Permission denied") != std::string::npos);
    CHECK(read_file(work / "out/src/readable") == "yes");
    CHECK_FALSE(fs::exists(work / "out/src/secret"));
    CHECK(temp_leftovers(work / "out").empty());
}

TEST_CASE(
    "an unreadable source directory is reported with its path and errno, the rest is copied") {
    uio::testing::temp_dir work;
    ::chmod(work.path().c_str(), 0755);
    fs::create_directories(work / "src/locked");
    write_file(work / "src/locked/inside", "hidden");
    write_file(work / "src/readable", "yes");
    REQUIRE(::chmod((work / "src/locked").c_str(), 0) == 0);
    command_result r = copy_src_as_nobody(work);
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("ucopy: cannot access '" + (work / "src/locked") +
                        "': Permission denied") != std::string::npos);
    CHECK(read_file(work / "out/src/readable") == "yes");
    CHECK(fs::is_directory(work / "out/src/locked"));  // made, empty, like cp
    CHECK_FALSE(fs::exists(work / "out/src/locked/inside"));
    CHECK(temp_leftovers(work / "out").empty());
    ::chmod((work / "src/locked").c_str(), 0700);
    ::chmod((work / "out/src/locked").c_str(), 0700);
}

TEST_CASE("a full destination fails clearly and publishes no partial file") {
    if (::geteuid() != 0 || ::access("/usr/bin/unshare", X_OK) != 0) {
        uio::testing::skip("needs root and unshare to mount a small tmpfs");
    }
    uio::testing::temp_dir work;
    build_bulk_tree(work / "src", 3, 1000, 4 << 20);
    fs::create_directories(work / "mnt");
    const std::string mnt = work / "mnt";
    command_result r =
        sh("unshare -m sh -c " + q("mount -t tmpfs -o size=1m none " + q(mnt) + " || exit 99; " +
                                   ucopy_binary() + " -a " + q(work / "src") + " " +
                                   q(mnt + "/dst") + "; echo status=$?; ls -A " + q(mnt + "/dst")));
    if (r.status == 99) uio::testing::skip("cannot mount tmpfs here: " + r.output);
    INFO(r.output);
    CHECK(r.output.find("status=1") != std::string::npos);
    CHECK(r.output.find("No space left on device") != std::string::npos);
    std::string listing = r.output.substr(r.output.find("status="));
    CHECK(listing.find("large") == std::string::npos);  // no partial file, final or temp
    CHECK(listing.find(".ucopy-") == std::string::npos);
    CHECK(listing.find("many") != std::string::npos);
}

TEST_CASE(
    "a full destination with --journal: only finished files are journaled, a rerun with room "
    "completes") {
    if (::geteuid() != 0 || ::access("/usr/bin/unshare", X_OK) != 0) {
        uio::testing::skip("needs root and unshare to mount a small tmpfs");
    }
    uio::testing::temp_dir work;
    build_bulk_tree(work / "src", 3, 1000, 4 << 20);
    fs::create_directories(work / "mnt");
    const std::string mnt = work / "mnt", src = work / "src", journal = work / "journal.db";
    const std::string copy = ucopy_binary() + " -a --journal " + q(journal) + " " + q(src + "/.") +
                             " " + q(mnt + "/dst") + "; ";
    // One file at a time in the full run: the large file fails (and is removed) on its own,
    // so the small ones are copied whatever the order and the journal has something in it.
    const std::string copy_serial = ucopy_binary() + " -a --queue-depth 1 --no-chains --journal " +
                                    q(journal) + " " + q(src + "/.") + " " + q(mnt + "/dst") + "; ";
    // Each journaled path must hold its source's bytes ("ok"), never a partial file ("bad").
    const std::string check_journal = "sqlite3 " + q(journal) +
                                      " 'PRAGMA integrity_check; SELECT path FROM files' | "
                                      "while read p; do case $p in ok) echo integrity=ok;; *) "
                                      "cmp -s \"$p\" " +
                                      q(src) + "/\"${p#" + mnt +
                                      "/dst/}\" && echo journaled-ok || echo journaled-bad:$p;; "
                                      "esac; done; ";
    command_result r =
        sh("unshare -m sh -c " +
           q("mount -t tmpfs -o size=1m none " + q(mnt) + " || exit 99; " + copy_serial +
             "echo first=$?; " + check_journal + "mount -o remount,size=64m " + q(mnt) + "; " +
             copy + "echo second=$?; diff -r " + q(src) + " " + q(mnt + "/dst") + " && echo same"));
    if (r.status == 99) uio::testing::skip("cannot mount tmpfs here: " + r.output);
    INFO(r.output);
    CHECK(r.output.find("first=1") != std::string::npos);
    CHECK(r.output.find("No space left on device") != std::string::npos);
    CHECK(r.output.find("integrity=ok") != std::string::npos);
    CHECK(r.output.find("journaled-ok") != std::string::npos);  // the small files
    CHECK(r.output.find("journaled-bad") == std::string::npos);
    CHECK(r.output.find("second=0") != std::string::npos);
    CHECK(r.output.find("same") != std::string::npos);
}

TEST_CASE("a rerun removes temporary files a killed run left behind") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    write_file(work / "src/a", "a");
    fs::create_directories(work / "dst/src");
    write_file(work / "dst/src/.ucopy-7ffffff0-3.tmp", "half written");
    write_file(work / "dst/src/.ucopy-notes.tmp", "a user's file");
    CHECK(sh(ucopy_binary() + " -a " + q(work / "src") + " " + q(work / "dst")).status == 0);
    CHECK_FALSE(fs::exists(work / "dst/src/.ucopy-7ffffff0-3.tmp"));
    CHECK(fs::exists(work / "dst/src/.ucopy-notes.tmp"));
    CHECK(read_file(work / "dst/src/a") == "a");
}
