// What the tests of the engine's stage types (file_copier, sync_decider, mirror_deletion)
// share: a temporary SRC and DST, the options and report a stage is given, the directory
// node and entries the walk would hand it, and the parts it works with on the loop.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include <uio/core/thread_pool.hpp>

#include "test_support.hpp"
#include "uio/fs/mover/chunk_buffers.hpp"
#include "uio/fs/mover/data_mover.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs::testing {

struct stage_rig {
    uio::testing::temp_dir work;
    options opts;
    report out;

    stage_rig() {
        std::filesystem::create_directory(work / "src");
        std::filesystem::create_directory(work / "dst");
    }

    // SRC and DST open as the walk opens a directory of the copy (not finalized: the test
    // owns it; `pending` high enough that no release finishes it).
    std::shared_ptr<dir_node> open_dirs() const {
        auto dir = std::make_shared<dir_node>();
        dir->src_fd = ::open((work / "src").c_str(), O_RDONLY | O_DIRECTORY);
        dir->dst_fd = ::open((work / "dst").c_str(), O_RDONLY | O_DIRECTORY);
        REQUIRE(dir->src_fd >= 0);
        REQUIRE(dir->dst_fd >= 0);
        dir->src_prefix = work / "src/";
        dir->dst_prefix = work / "dst/";
        dir->finalize = false;
        dir->pending = 1000;
        return dir;
    }

    // The entry the walk makes for `name` in `dir`: both sides stat'ed.
    entry entry_for(const std::shared_ptr<dir_node>& dir, const std::string& name) const {
        entry e;
        e.dir = dir;
        e.src_name = e.dst_name = name;
        REQUIRE(::fstatat(dir->src_fd, name.c_str(), &e.st, AT_SYMLINK_NOFOLLOW) == 0);
        e.dst_exists = ::fstatat(dir->dst_fd, name.c_str(), &e.dst_st, AT_SYMLINK_NOFOLLOW) == 0;
        if (S_ISLNK(e.st.st_mode)) {
            e.link_target = std::filesystem::read_symlink(work / ("src/" + name)).string();
        }
        return e;
    }
};

// The pool, buffers, data mover and metadata context a stage is given, as the engine makes
// them. Make it inside a running loop (the buffers register with its ring).
struct stage_parts {
    uio::thread_pool pool{2};
    chunk_buffers buffers;
    data_mover mover;
    metadata_context meta;

    stage_parts(const options& opts, report& out)
        : buffers(4, opts.block_size),
          mover(opts, buffers, pool, out),
          meta{opts.preserve, out, current_umask(), false} {}

    static mode_t current_umask() {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        return mask;
    }
};

}  // namespace uio::fs::testing
