// mirror_deletion: what a mirror holds and its source lacks goes once the copy is over — but
// not after an error, not past --max-delete, and not all of a mirror whose source is empty.
#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <uio/core/thread_pool.hpp>
#include <uio/uring/io_context.hpp>

#include "stage_rig.hpp"
#include "uio/fs/publisher/mirror_deletion.hpp"

namespace {

// A mirror DST holding x, y and d/inner, none of which its source has.
struct mirror_deletion_rig : uio::fs::testing::stage_rig {
    mirror_deletion_rig() {
        std::filesystem::create_directories(work / "dst/d");
        std::ofstream(work / "dst/x") << "x";
        std::ofstream(work / "dst/y") << "y";
        std::ofstream(work / "dst/d/inner") << "inner";
        opts.sync = opts.delete_extraneous = true;
    }

    // Records DST's three entries as extraneous (with `empty_source`, as the root of a
    // mirror whose source listed nothing), then runs the deletions.
    void run(bool empty_source = false) {
        const std::shared_ptr<uio::fs::dir_node> root = open_dirs();
        uio::run([&]() -> uio::task<void> {
            uio::thread_pool pool(2);
            uio::fs::filter_rules filters;  // none
            uio::fs::mirror_deletion deletions(opts, out, pool, filters, nullptr);
            deletions.add(root, root->st, {{"x", false}, {"y", false}, {"d", true}});
            if (empty_source) deletions.empty_source_root(root.get(), "dst", "src");
            co_await deletions.delete_extraneous(nullptr);
        }());
    }
    bool has(const std::string& name) const {
        return std::filesystem::exists(work / ("dst/" + name));
    }
};

}  // namespace

TEST_CASE("mirror_deletion: what the source lacks goes, directories whole", "[delete]") {
    mirror_deletion_rig rig;
    rig.run();
    CHECK_FALSE(rig.has("x"));
    CHECK_FALSE(rig.has("y"));
    CHECK_FALSE(rig.has("d"));
    CHECK(rig.out.deleted == 3);
    CHECK(rig.out.errors() == 0);
}

TEST_CASE("mirror_deletion: a run with an error deletes nothing", "[delete]") {
    mirror_deletion_rig rig;
    rig.out.error("an entry failed");
    rig.run();
    CHECK(rig.has("x"));
    CHECK(rig.has("d/inner"));
    CHECK(rig.out.deleted == 0);
}

TEST_CASE("mirror_deletion: --max-delete stops the deletions, without an error", "[delete]") {
    mirror_deletion_rig rig;
    rig.opts.max_delete = 1;
    rig.run();
    CHECK_FALSE(rig.has("x"));  // in the order the walk found them
    CHECK(rig.has("y"));
    CHECK(rig.has("d"));
    CHECK(rig.out.deleted == 1);
    CHECK(rig.out.max_delete_reached);
    CHECK(rig.out.errors() == 0);
}

TEST_CASE("mirror_deletion: an empty source does not empty its mirror", "[delete]") {
    mirror_deletion_rig rig;
    rig.run(true);
    CHECK(rig.out.errors() == 1);  // "refusing to delete all 3 entries of 'dst'"
    CHECK(rig.has("x"));
    CHECK(rig.out.deleted == 0);

    mirror_deletion_rig allowed;
    allowed.opts.delete_all_ok = true;  // the engine records no empty root then
    allowed.run();
    CHECK(allowed.out.deleted == 3);
}
