// Small files on the chain threads (small_files.hpp): the copy must match the source as
// `cp -a` would (modes, owners, times, xattrs via the ordinary path), --stats=json must say
// how many went which way, and a chain that fails must leave nothing behind and be redone
// by the ordinary path. Each case runs twice: as run here (cached data: plain system calls)
// and with UCOPY_TEST_CHAIN_COLD, which sends every file to the linked ring chain that
// uncached data takes. The hooks are the test-only twin's (ucopy_testable_binary()).
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

void build_small_tree(const std::string& root) {
    for (int d = 0; d < 3; ++d) {
        std::string dir = root + "/d" + std::to_string(d);
        fs::create_directories(dir);
        for (int f = 0; f < 50; ++f) {
            std::string path = dir + "/f" + std::to_string(f);
            write_file(path, std::string(100 + 97 * f, static_cast<char>('a' + f % 26)),
                       f % 3 == 0   ? 0600
                       : f % 3 == 1 ? 0444
                                    : 0755);
            set_mtime(path, 1'600'000'000 + f, 123'456'789);
        }
    }
    write_file(root + "/d0/empty", "");
    write_file(root + "/d0/big", std::string(200'000, 'z'));  // above --chain-max
    write_file(root + "/d1/tagged", "has an xattr");
    ::setxattr((root + "/d1/tagged").c_str(), "user.note", "v", 1, 0);  // may be unsupported
    if (::geteuid() == 0) {
        REQUIRE(::chown((root + "/d2/f1").c_str(), 1234, 4321) == 0);
    }
}

// "name":N from --stats=json output.
long long stat_value(const std::string& json, const std::string& name) {
    auto at = json.find("\"" + name + "\":");
    if (at == std::string::npos) return -1;
    return std::stoll(json.substr(at + name.size() + 3));
}

// "" (cached data: plain calls) or the variable that sends every file to the ring chain.
std::string chain_mode() {
    return GENERATE(std::string(), std::string("UCOPY_TEST_CHAIN_COLD=1 "));
}

// The shipped ucopy for cached data, the test-only twin (which obeys the variable) for cold.
std::string chain_mode_ucopy(const std::string& mode) {
    return mode.empty() ? ucopy_binary() : ucopy_testable_binary();
}

}  // namespace

TEST_CASE("small files copied as linked chains match the source like cp -a") {
    const std::string mode = chain_mode();
    uio::testing::temp_dir work;
    build_small_tree(work / "src");
    command_result r = sh(mode + chain_mode_ucopy(mode) + " -a --stats=json " + q(work / "src") +
                          " " + q(work / "dst") + " 2>&1");
    INFO(mode << r.output);
    REQUIRE(r.status == 0);
    check_same_tree(work / "src", work / "dst");
    CHECK(temp_leftovers(work / "dst").empty());
    // 150 small files by chain; the empty, the large and (where xattrs exist) the tagged one
    // the ordinary way.
    CHECK(stat_value(r.output, "linked_chain") >= 150);
    CHECK(stat_value(r.output, "chain_fallback") == 0);
    CHECK(stat_value(r.output, "read_write") >= 1);
    CHECK(stat_value(r.output, "files") == 153);
}

TEST_CASE("with --no-chains every file goes the ordinary way") {
    uio::testing::temp_dir work;
    build_small_tree(work / "src");
    command_result r = sh(ucopy_binary() + " -a --no-chains --stats=json " + q(work / "src") + " " +
                          q(work / "dst") + " 2>&1");
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(compare_trees(work / "src", work / "dst").empty());
    CHECK(stat_value(r.output, "linked_chain") == 0);
}

TEST_CASE("a failed chain leaves no file behind and the ordinary path redoes it") {
    const char* step = GENERATE("open", "write");
    const std::string mode = chain_mode();
    uio::testing::temp_dir work;
    build_small_tree(work / "src");
    command_result r =
        sh(mode + "UCOPY_TEST_CHAIN_FAIL=" + step + ":f7 " + ucopy_testable_binary() +
           " -a --stats=json " + q(work / "src") + " " + q(work / "dst") + " 2>&1");
    INFO(mode << step << ": " << r.output);
    REQUIRE(r.status == 0);  // f7 of each directory: redone, so no error
    check_same_tree(work / "src", work / "dst");
    CHECK(stat_value(r.output, "chain_fallback") == 3);
    CHECK(read_file(work / "dst/d1/f7") == read_file(work / "src/d1/f7"));
}

TEST_CASE("a source written between the walk and its chain is reported, not copied stale") {
    const std::string mode = chain_mode();
    uio::testing::temp_dir work;
    build_small_tree(work / "src");
    command_result r = sh(mode + "UCOPY_TEST_CHAIN_FAIL=grow:f7 " + ucopy_testable_binary() +
                          " -a --stats=json " + q(work / "src") + " " + q(work / "dst") + " 2>&1");
    INFO(mode << r.output);
    CHECK(r.status == 1);
    // The stat after the read (of the descriptor, or the chain's statx) saw the new size: the copy
    // was removed and redone the ordinary way, which checks the source against the walk again and
    // refuses to publish it.
    CHECK(stat_value(r.output, "chain_fallback") == 3);
    for (const char* dir : {"d0", "d1", "d2"}) {
        const std::string name = std::string(dir) + "/f7";
        const std::string message =
            "'" + (work / "src") + "/" + name + "' changed while being copied";
        CHECK(r.output.find(message) != std::string::npos);
        CHECK_FALSE(fs::exists((work / "dst") + "/" + name));
    }
    CHECK(read_file(work / "dst/d1/f8") == read_file(work / "src/d1/f8"));
    CHECK(temp_leftovers(work / "dst").empty());
}
