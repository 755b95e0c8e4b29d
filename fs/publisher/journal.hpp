// journal: the SQLite record (WAL) of files finished by this and earlier runs, so a rerun
// after a crash skips what is done and unchanged. Records are committed in batches, and
// looked up in batches (one walk batch of a directory at a time, by primary key), through
// uio::sqlite (its database's worker thread runs them: SQLite blocks), never on the loop.
// Nothing of the table is held in memory, so memory does not grow with the number of
// journaled files. Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <uio/core/task.hpp>
#include <uio/db/sqlite/database.hpp>

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

    // Opens or creates the journal (blocking); throws a uio::failure naming the file, with
    // SQLite's message.
    explicit journal(const std::string& file);
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
    std::string file_;
    uio::sqlite::database db_;
    std::vector<record> pending_;
    std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

}  // namespace uio::fs
