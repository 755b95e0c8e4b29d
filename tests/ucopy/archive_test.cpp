// ucopy -a against cp -a on a tree with every kind of entry, through each data path.
#include <catch2/catch.hpp>

#include <algorithm>

#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;

namespace {

void expect_same(const std::string& expected, const std::string& actual) {
    check_same_tree(expected, actual);
    CHECK(temp_leftovers(actual).empty());
}

}  // namespace

TEST_CASE("ucopy -a reproduces what cp -a makes, for every kind of entry") {
    uio::testing::temp_dir work;
    build_full_tree(work / "src");
    REQUIRE(sh("cp -a " + q(work / "src") + " " + q(work / "ref")).status == 0);
    command_result r =
        sh(ucopy_binary() + " -a --stats=json " + q(work / "src") + " " + q(work / "dst"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(r.output.find("\"errors\":0") != std::string::npos);
    CHECK(r.output.find("\"hard_links\":2") != std::string::npos);
    expect_same(work / "ref", work / "dst");
}

TEST_CASE("each data strategy gives the same copy") {
    uio::testing::temp_dir work;
    build_full_tree(work / "src");
    REQUIRE(sh("cp -a " + q(work / "src") + " " + q(work / "ref")).status == 0);
    // direct: every file's tail is padded to 4 KiB for O_DIRECT and truncated back.
    for (const char* strategy : {"read-write", "direct", "copy-file-range"}) {
        std::string dst = work / (std::string("dst-") + strategy);
        command_result r = sh(ucopy_binary() + " -a --block-size 64K --strategy=" + strategy +
                              " --stats=json " + q(work / "src") + " " + q(dst));
        INFO(strategy << ": " << r.output);
        REQUIRE(r.status == 0);
        std::string key = strategy;
        std::replace(key.begin(), key.end(), '-', '_');
        const std::string used = "\"" + key + "\":";
        CHECK(r.output.find(used + "0") == std::string::npos);
        expect_same(work / "ref", dst);
    }
}

TEST_CASE("verify hashes every file and passes on a faithful copy") {
    uio::testing::temp_dir work;
    build_full_tree(work / "src");
    REQUIRE(sh("cp -a " + q(work / "src") + " " + q(work / "ref")).status == 0);
    for (const char* strategy : {"read-write", "direct"}) {
        std::string dst = work / (std::string("dst-") + strategy);
        command_result r =
            sh(ucopy_binary() + " -a --verify --block-size 64K --strategy=" + strategy +
               " --stats=json " + q(work / "src") + " " + q(dst));
        INFO(strategy << ": " << r.output);
        REQUIRE(r.status == 0);
        CHECK(r.output.find("\"verified\":0") == std::string::npos);
        expect_same(work / "ref", dst);
    }
}

TEST_CASE("sparse=always punches holes in zeros and sparse=never fills them") {
    uio::testing::temp_dir work;
    std::string zeros(4 << 20, '\0');
    zeros[0] = 'x';
    write_file(work / "zeros", zeros);
    write_file(work / "data", "data");
    REQUIRE(sh("truncate -s 64M " + q(work / "holes")).status == 0);
    REQUIRE(
        sh(ucopy_binary() + " --sparse=always " + q(work / "zeros") + " " + q(work / "a")).status ==
        0);
    REQUIRE(
        sh(ucopy_binary() + " --sparse=never " + q(work / "holes") + " " + q(work / "b")).status ==
        0);
    struct stat a {
    }, b{};
    ::stat((work / "a").c_str(), &a);
    ::stat((work / "b").c_str(), &b);
    CHECK(read_file(work / "a") == zeros);
    CHECK(a.st_blocks * 512 < 1 << 20);
    CHECK(b.st_size == 64 << 20);
    CHECK(b.st_blocks * 512 >= 64 << 20);
}
