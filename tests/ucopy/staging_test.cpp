// Staging: a directory ucopy creates is filled under a hidden name and renamed when complete,
// so a kill -9 must leave nothing partially filled under a final name, and a rerun must
// clear the abandoned staging tree and finish.
#include <sys/stat.h>
#include <sys/xattr.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>

#include "copy_gate.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

void build_slow_tree(const std::string& root) {
    fs::create_directories(root + "/many");
    fs::create_directories(root + "/done");
    write_file(root + "/done/one", "1");
    for (int i = 0; i < 40; ++i) {
        write_file(root + "/many/f" + std::to_string(i), std::string(100'000, 'a' + i % 26));
    }
}

std::vector<std::string> staging_dirs(const std::string& dir) {
    std::vector<std::string> found;
    for (auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().rfind(".ucopy-", 0) == 0) found.push_back(e.path());
    }
    return found;
}

}  // namespace

TEST_CASE("merging into an existing tree stages only the new directories") {
    uio::testing::temp_dir work;
    build_slow_tree(work / "src");
    fs::create_directories(work / "dst/done");
    write_file(work / "dst/done/one", "old");  // replaced through a temporary and a rename
    command_result r = sh(ucopy_binary() + " -a " + q(work / "src") + "/. " + q(work / "dst"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    check_same_tree(work / "src", work / "dst");
    CHECK(temp_leftovers(work / "dst").empty());
    CHECK(staging_dirs(work / "dst").empty());
}

TEST_CASE("kill -9 of a staged copy leaves no partial directory and a rerun completes") {
    uio::testing::temp_dir work;
    build_slow_tree(work / "src");
    fs::create_directories(work / "out");
    // The kill lands while many/ is partly copied: five of its files go through the test
    // gate, the next ones are held there.
    copy_gate gate(work / "gate", 5, "/many/");
    command_result killed = sh("cd " + q(work.path().string()) + " && (" + gate.shell_env() +
                               ucopy_testable_binary() + " -a --queue-depth 2 src out & pid=$!; " +
                               gate.shell_wait_for_arrivals(6) + "kill -9 $pid; wait $pid)");
    REQUIRE(gate.arrivals().size() >= 6);  // 5 through, one or two (one a worker) held
    INFO(killed.output);
    CHECK(killed.status == 128 + 9);
    CHECK_FALSE(fs::exists(work / "out/src"));  // nothing under the final name
    CHECK(staging_dirs(work / "out").size() == 1);

    command_result rerun = sh(ucopy_binary() + " -a " + q(work / "src") + " " + q(work / "out"));
    INFO(rerun.output);
    CHECK(rerun.status == 0);
    check_same_tree(work / "src", work / "out/src");
    CHECK(staging_dirs(work / "out").empty());  // the abandoned tree was removed
}

TEST_CASE("a default ACL on the destination does not leave new files with the wrong mode") {
    uio::testing::temp_dir work;
    fs::create_directories(work / "src");
    write_file(work / "src/shared", "x", 0644);
    fs::create_directories(work / "out");
    // Binary posix_acl_default (no setfacl here): version 2, then user::rwx group::r-x
    // other::--- — new files in out/ would get mode 0640, not 0644 & ~umask.
    struct entry {
        std::uint16_t tag, perm;
        std::uint32_t id;
    };
    struct {
        std::uint32_t version = 2;
        entry e[3] = {{0x01, 7, ~0u}, {0x04, 5, ~0u}, {0x20, 0, ~0u}};
    } acl;
    if (::setxattr((work / "out").c_str(), "system.posix_acl_default", &acl, sizeof acl, 0) != 0) {
        uio::testing::skip("no POSIX ACLs here");
    }
    command_result r = sh(ucopy_binary() + " -a " + q(work / "src") + " " + q(work / "out"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    struct stat st {};
    REQUIRE(::stat((work / "out/src/shared").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
}
