// entry_route: the walk's routing decisions from made-up stats (the shard plan alone is
// made from a real tree).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "uio/fs/planner/entry_route.hpp"
#include "uio/fs/report.hpp"

namespace {

// A regular file of `size` bytes, mode 0644, owned by this process, fully allocated.
struct stat entry_route_file(off_t size) {
    struct stat st {};
    st.st_mode = S_IFREG | 0644;
    st.st_size = size;
    st.st_blocks = (size + 511) / 512;
    st.st_nlink = 1;
    st.st_uid = ::geteuid();
    st.st_gid = ::getegid();
    st.st_mtim = {1000, 5};
    return st;
}

}  // namespace

TEST_CASE("unchanged_by_stat: a mirror's file with the same type, size and mtime",
          "[entry_route]") {
    uio::fs::options opts;
    opts.sync = true;
    opts.preserve.timestamps = true;
    uio::fs::raw_entry raw;
    raw.st = entry_route_file(10);
    raw.dst_exists = true;
    raw.dst_st = raw.st;
    CHECK(uio::fs::unchanged_by_stat(opts, raw));
    raw.dst_st.st_size = 11;
    CHECK_FALSE(uio::fs::unchanged_by_stat(opts, raw));  // the data differs
    raw.dst_st = raw.st;
    raw.dst_st.st_mtim.tv_nsec = 6;
    CHECK_FALSE(uio::fs::unchanged_by_stat(opts, raw));  // mtimes differ in nanoseconds
    raw.dst_st = raw.st;
    opts.checksum = true;
    CHECK_FALSE(uio::fs::unchanged_by_stat(opts, raw));  // --checksum reads the bytes
    opts.checksum = false;
    opts.sync = false;
    CHECK_FALSE(uio::fs::unchanged_by_stat(opts, raw));  // a copy decides nothing here
}

TEST_CASE("chain_eligible: small, plain, new files in a staged directory", "[entry_route]") {
    uio::fs::options opts;
    uio::fs::report out;
    const uio::fs::metadata_context meta{opts.preserve, out, 022, false};
    uio::fs::dir_node dir;
    dir.staged = true;
    dir.new_file_gid = ::getegid();
    uio::fs::raw_entry raw;
    raw.st = entry_route_file(100);
    raw.has_xattrs = false;
    const uid_t me = ::geteuid();
    CHECK(uio::fs::chain_eligible(opts, meta, 64 * 1024, me, dir, raw));
    CHECK_FALSE(uio::fs::chain_eligible(opts, meta, 64, me, dir, raw));  // larger than chain_max
    raw.st.st_blocks = 0;
    CHECK_FALSE(uio::fs::chain_eligible(opts, meta, 64 * 1024, me, dir, raw));  // a hole
    raw.st = entry_route_file(100);
    raw.st.st_mode = S_IFREG | 04755;
    opts.preserve.mode = true;  // meta reads opts.preserve
    CHECK_FALSE(uio::fs::chain_eligible(opts, meta, 64 * 1024, me, dir, raw));  // set-uid kept
    opts.preserve.mode = false;
    raw.st = entry_route_file(100);
    raw.dst_exists = true;
    CHECK_FALSE(uio::fs::chain_eligible(opts, meta, 64 * 1024, me, dir, raw));  // replaces one
    raw.dst_exists = false;
    dir.staged = false;
    CHECK_FALSE(uio::fs::chain_eligible(opts, meta, 64 * 1024, me, dir, raw));  // visible dir
}

TEST_CASE("shard_takes: every file of a tree goes to exactly one shard", "[entry_route]") {
    uio::testing::temp_dir work;
    const std::string root = work / "src";
    std::filesystem::create_directory(root);
    for (int i = 0; i < 8; ++i) {
        std::ofstream(root + "/f" + std::to_string(i)) << std::string(20000, 'x');
    }
    const unsigned shards = 2;
    std::vector<unsigned> takers(8, 0);
    std::vector<unsigned> per_shard(shards, 0);
    for (unsigned k = 0; k < shards; ++k) {
        const uio::fs::shard_plan plan =
            uio::fs::shard_plan::make(root, k, shards, uio::fs::filter_rules(), true);
        uio::fs::options opts;
        opts.preserve.links = true;
        uio::fs::dir_node dir;  // the root: relative ""
        for (int i = 0; i < 8; ++i) {
            uio::fs::raw_entry raw;
            raw.name = "f" + std::to_string(i);
            REQUIRE(::stat((root + "/" + raw.name).c_str(), &raw.st) == 0);
            uio::fs::entry e;
            if (uio::fs::shard_takes(opts, plan, dir, raw, e)) {
                ++takers[static_cast<std::size_t>(i)];
                ++per_shard[k];
                CHECK_FALSE(e.split);  // far below shard_plan::min_split
            }
        }
    }
    for (unsigned count : takers) CHECK(count == 1);
    CHECK(per_shard[0] > 0);
    CHECK(per_shard[1] > 0);
}
