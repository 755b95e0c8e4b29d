// sync_decider: --sync's decision for one entry whose destination exists, on real files —
// nothing to do, metadata set in place, a copy needed, and a directory in the way.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <uio/uring/io_context.hpp>

#include "stage_rig.hpp"
#include "uio/fs/planner/sync_decider.hpp"

namespace {

// A file in SRC and what the test made of it in DST.
struct sync_decider_rig : uio::fs::testing::stage_rig {
    sync_decider_rig() {
        opts.sync = true;
        opts.preserve.mode = true;
        opts.preserve.timestamps = true;
    }

    void write(const std::string& path, const std::string& text, mode_t mode) const {
        std::ofstream(work / path) << text;
        REQUIRE(::chmod((work / path).c_str(), mode) == 0);
        const struct timespec times[2] = {{1000, 0}, {1000, 0}};
        REQUIRE(::utimensat(AT_FDCWD, (work / path).c_str(), times, 0) == 0);
    }

    // sync_decider::synced on `name`; the changes it found in `changes`.
    bool synced(const std::string& name, uio::fs::entry_changes& changes) {
        uio::fs::entry e = entry_for(open_dirs(), name);
        return uio::run([&]() -> uio::task<bool> {
            uio::fs::testing::stage_parts parts(opts, out);
            uio::fs::sync_decider decider(opts, out, parts.pool, parts.mover, parts.meta, nullptr);
            const bool done = co_await decider.synced(e, changes);
            co_return done;
        }());
    }
};

}  // namespace

TEST_CASE("sync_decider: a destination that matches needs nothing", "[sync]") {
    sync_decider_rig rig;
    rig.write("src/a", "same", 0644);
    rig.write("dst/a", "same", 0644);
    uio::fs::entry_changes changes;
    CHECK(rig.synced("a", changes));
    CHECK(rig.out.unchanged == 1);
    CHECK(rig.out.metadata_updated == 0);
}

TEST_CASE("sync_decider: only metadata differs, so it is set in place", "[sync]") {
    sync_decider_rig rig;
    rig.write("src/a", "same", 0640);
    rig.write("dst/a", "same", 0600);
    uio::fs::entry_changes changes;
    CHECK(rig.synced("a", changes));
    CHECK(changes.perms);
    CHECK(rig.out.metadata_updated == 1);
    struct stat now {};
    REQUIRE(::stat((rig.work / "dst/a").c_str(), &now) == 0);
    CHECK((now.st_mode & 07777) == 0640);
}

TEST_CASE("sync_decider: another size needs a copy, and nothing is counted", "[sync]") {
    sync_decider_rig rig;
    rig.write("src/a", "longer", 0644);
    rig.write("dst/a", "short", 0644);
    uio::fs::entry_changes changes;
    CHECK_FALSE(rig.synced("a", changes));
    CHECK(changes.size);
    CHECK(rig.out.unchanged + rig.out.metadata_updated == 0);
}

TEST_CASE("sync_decider: --checksum reads the bytes behind equal sizes and times", "[sync]") {
    sync_decider_rig rig;
    rig.write("src/a", "abcd", 0644);
    rig.write("dst/a", "abce", 0644);
    uio::fs::entry_changes changes;
    CHECK(rig.synced("a", changes));  // the quick check alone trusts size and mtime
    rig.opts.checksum = true;
    CHECK_FALSE(rig.synced("a", changes));
    CHECK(changes.contents);
}

TEST_CASE("sync_decider: a directory in the way of a file goes only with --delete", "[sync]") {
    sync_decider_rig rig;
    rig.write("src/a", "file", 0644);
    std::filesystem::create_directories(rig.work / "dst/a/below");
    uio::fs::entry_changes changes;
    CHECK_THROWS_AS(rig.synced("a", changes), uio::fs::copy_error);
    CHECK(std::filesystem::exists(rig.work / "dst/a/below"));
    rig.opts.delete_extraneous = true;
    CHECK_FALSE(rig.synced("a", changes));  // removed: the file is copied in its place
    CHECK(changes.type);
    CHECK_FALSE(std::filesystem::exists(rig.work / "dst/a"));
    CHECK(rig.out.deleted == 1);
}
