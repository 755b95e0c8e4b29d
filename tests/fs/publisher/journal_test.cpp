// The journal answers lookups from SQLite batch by batch (nothing is preloaded), so what a
// rerun may skip must come back exactly: same path, size and source mtime, nothing else.
#include <catch2/catch.hpp>

#include <uio/uring/io_context.hpp>

#include "test_support.hpp"
#include "uio/fs/publisher/journal.hpp"

TEST_CASE("the journal finds finished files by path, size and mtime") {
    uio::testing::temp_dir work;
    const std::string file = work / "journal.db";
    uio::run([&]() -> uio::task<void> {
        uio::fs::journal log(file);
        log.add({"dst/a", 10, 111, ""});
        log.add({"dst/b", 20, 222, "00ff"});
        co_await log.flush();
    }());
    std::vector<uio::fs::journal::query> queries = {
        {"dst/a", 10, 111}, {"dst/b", 20, 222}, {"dst/b", 21, 222},
        {"dst/b", 20, 223}, {"dst/c", 10, 111},
    };
    uio::run([&]() -> uio::task<void> {
        uio::fs::journal reopened(file);  // a later run: answers come from the file alone
        co_await reopened.lookup(queries);
    }());
    CHECK(queries[0].done);
    CHECK(queries[1].done);
    CHECK_FALSE(queries[2].done);  // the source changed size
    CHECK_FALSE(queries[3].done);  // or mtime
    CHECK_FALSE(queries[4].done);  // never copied
    CHECK(uio::fs::journal_key("dst/./b") == "dst/b");
}

TEST_CASE("a journal named file:... is that file, not an SQLite URI") {
    uio::testing::temp_dir work;
    const std::filesystem::path cwd = std::filesystem::current_path();
    std::filesystem::current_path(work.path());
    uio::run([&]() -> uio::task<void> {
        uio::fs::journal log("file:j.db?mode=memory");
        log.add({"dst/a", 10, 111, ""});
        co_await log.flush();
    }());
    std::filesystem::current_path(cwd);
    CHECK(std::filesystem::exists(work / "file:j.db?mode=memory"));
}
