// mark_journaled: a listing batch against the journal — only files the journal has as done
// with the same path, size and mtime, and that exist in the destination, are marked.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <vector>

#include <uio/uring/io_context.hpp>

#include "test_support.hpp"
#include "uio/fs/publisher/journal_lookup.hpp"

namespace {

uio::fs::raw_entry journal_lookup_entry(const char* name, off_t size, long mtime_ns,
                                        bool dst_exists) {
    uio::fs::raw_entry raw;
    raw.name = name;
    raw.st.st_mode = S_IFREG | 0644;
    raw.st.st_size = size;
    raw.st.st_mtim = {0, mtime_ns};
    raw.dst_exists = dst_exists;
    raw.dst_st = raw.st;
    return raw;
}

}  // namespace

TEST_CASE("mark_journaled marks the batch's files the journal has as done", "[journal]") {
    uio::testing::temp_dir work;
    const std::string file = work / "journal.db";
    uio::fs::dir_node dir;
    dir.dst_prefix = "dst/";
    std::vector<uio::fs::raw_entry> batch = {
        journal_lookup_entry("a", 10, 111, true),   // done, and there
        journal_lookup_entry("b", 10, 112, true),   // the source changed since
        journal_lookup_entry("c", 10, 111, false),  // done once, but gone from DST
        journal_lookup_entry("d", 10, 111, true),   // never copied
    };
    uio::run([&]() -> uio::task<void> {
        uio::fs::journal log(file);
        log.add({"dst/a", 10, 111, ""});
        log.add({"dst/b", 10, 111, ""});
        log.add({"dst/c", 10, 111, ""});
        co_await log.flush();
        co_await uio::fs::mark_journaled(log, dir, batch);
    }());
    CHECK(batch[0].journaled);
    CHECK_FALSE(batch[1].journaled);
    CHECK_FALSE(batch[2].journaled);
    CHECK_FALSE(batch[3].journaled);
}
