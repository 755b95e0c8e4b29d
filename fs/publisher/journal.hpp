// journal: the SQLite record (WAL) of files finished by this and earlier runs, so a rerun
// after a crash skips what is done and unchanged. Records are committed in batches, and
// looked up in batches (one walk batch of a directory at a time, by primary key), on the
// journal's own single worker thread (SQLite blocks), never on the loop. Nothing of the
// table is held in memory, so memory does not grow with the number of journaled files.
//
// Swappable: only open/lookup/add/flush are used by the engine (an async uio::sqlite could
// replace the body). Loop thread only, except inside the offloaded commit and lookup.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

struct sqlite3;

namespace uio::fs {

// The journal's key for a destination path: "dst/./a" and "dst/a" are one file, since a
// rerun may name the destination either way.
std::string journal_key(const std::string& path);

class journal {
  public:
    struct record {
        std::string path;  // destination path as given on the command line
        std::uint64_t size = 0;
        std::int64_t mtime_ns = 0;  // of the source when it was copied
        std::string hash;           // XXH3-128 hex when verified, else empty
    };

    // Opens or creates the journal; throws copy_error with SQLite's message.
    explicit journal(const std::string& file);
    ~journal();
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;

    // One question per file: did an earlier run finish `path` from a source of this size
    // and mtime? `done` is the answer, filled by lookup().
    struct query {
        std::string path;
        std::uint64_t size = 0;
        std::int64_t mtime_ns = 0;
        bool done = false;
    };
    // Answers every query in one read transaction on the journal thread.
    uio::task<void> lookup(std::vector<query>& queries);

    // Queues a finished file; flush_due() says when the batch should be committed.
    void add(record r);
    bool flush_due() const;
    // Commits every queued record in one transaction on the journal thread.
    uio::task<void> flush();

  private:
    void commit(const std::vector<record>& batch);
    void answer(std::vector<query>& queries);

    sqlite3* db_ = nullptr;
    std::vector<record> pending_;
    std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
    uio::thread_pool thread_{1};  // one thread: the connection is used by one at a time
};

}  // namespace uio::fs
