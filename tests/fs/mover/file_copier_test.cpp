// file_copier: one entry at a time to its final name, on real files and the real ring —
// a file through its temporary, hard links as links, symbolic links, -n, and a source
// deleted since the walk.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <uio/uring/io_context.hpp>

#include "stage_rig.hpp"
#include "uio/fs/mover/file_copier.hpp"

namespace {

// One (visible, not staged) destination directory, with links kept.
struct file_copier_rig : uio::fs::testing::stage_rig {
    file_copier_rig() {
        opts.preserve.mode = true;
        opts.preserve.timestamps = true;
        opts.preserve.links = true;
    }

    std::string read(const std::string& path) const {
        std::ifstream in(work / path);
        return {std::istreambuf_iterator<char>(in), {}};
    }

    // Stats `names` in SRC as the walk would, runs `before_copy`, then gives each entry to
    // one file_copier in turn.
    template <class F>
    void copy(const std::vector<std::string>& names, F before_copy) {
        const std::shared_ptr<uio::fs::dir_node> dir = open_dirs();
        std::vector<uio::fs::entry> entries;
        for (const std::string& name : names) entries.push_back(entry_for(dir, name));
        before_copy();
        uio::run([&]() -> uio::task<void> {
            uio::fs::testing::stage_parts parts(opts, out);
            uio::fs::directory_publisher publisher(opts, out, parts.meta, false);
            uio::fs::sync_decider sync(opts, out, parts.pool, parts.mover, parts.meta, nullptr);
            const uio::fs::file_copier_extras none{};  // no journal, shards or backups
            uio::fs::file_copier copier(opts, out, parts.pool, parts.mover, parts.meta, publisher,
                                        sync, none);
            for (uio::fs::entry& e : entries) co_await copier.handle(std::move(e));
        }());
    }
    void copy(const std::vector<std::string>& names) {
        copy(names, [] {});
    }
};

}  // namespace

TEST_CASE("file_copier: a file lands whole under its name, with its mode", "[copy]") {
    file_copier_rig rig;
    std::ofstream(rig.work / "src/a") << "contents of a";
    std::filesystem::permissions(rig.work / "src/a", std::filesystem::perms(0640));
    rig.copy({"a"});
    CHECK(rig.read("dst/a") == "contents of a");
    struct stat st {};
    REQUIRE(::stat((rig.work / "dst/a").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(rig.out.copied == 1);
    CHECK(rig.out.files_done == 1);
    CHECK(rig.out.errors() == 0);
    // No temporary left beside it.
    CHECK(std::distance(std::filesystem::directory_iterator(rig.work / "dst"),
                        std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("file_copier: the names of one inode become hard links of one copy", "[copy]") {
    file_copier_rig rig;
    std::ofstream(rig.work / "src/a") << "linked";
    std::filesystem::create_hard_link(rig.work / "src/a", rig.work / "src/b");
    rig.copy({"a", "b"});
    struct stat a {
    }, b{};
    REQUIRE(::stat((rig.work / "dst/a").c_str(), &a) == 0);
    REQUIRE(::stat((rig.work / "dst/b").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    CHECK(rig.out.hard_links == 1);
    CHECK(rig.read("dst/b") == "linked");
}

TEST_CASE("file_copier: a symbolic link keeps its target text", "[copy]") {
    file_copier_rig rig;
    std::filesystem::create_symlink("../elsewhere", rig.work / "src/l");
    rig.copy({"l"});
    CHECK(std::filesystem::read_symlink(rig.work / "dst/l") == "../elsewhere");
    CHECK(rig.out.symlinks == 1);
}

TEST_CASE("file_copier: -n leaves an existing destination alone", "[copy]") {
    file_copier_rig rig;
    rig.opts.no_clobber = true;
    std::ofstream(rig.work / "src/a") << "new";
    std::ofstream(rig.work / "dst/a") << "old";
    rig.copy({"a"});
    CHECK(rig.read("dst/a") == "old");
    CHECK(rig.out.skipped == 1);
}

TEST_CASE("file_copier: a source deleted since the walk is vanished, not an error", "[copy]") {
    file_copier_rig rig;
    std::ofstream(rig.work / "src/a") << "soon gone";
    rig.copy({"a"}, [&] { std::filesystem::remove(rig.work / "src/a"); });
    CHECK(rig.out.vanished() == 1);
    CHECK(rig.out.errors() == 0);
    CHECK(std::filesystem::is_empty(rig.work / "dst"));
}
