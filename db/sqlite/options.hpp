// How a database is opened, and how a bulk insert loads. Plain aggregates: designated
// initializers at the call site read as documentation.
#pragma once

#include <chrono>
#include <cstddef>

namespace uio::sqlite {

struct open_options {
    bool create = true;      // create the file if missing
    bool read_only = false;  // open read-only (create is then ignored)
    // How long a statement waits for another connection's lock before SQLITE_BUSY.
    std::chrono::milliseconds busy_timeout{5000};
    std::size_t statement_cache = 64;  // prepared statements kept per database (LRU)
    bool foreign_keys = true;          // PRAGMA foreign_keys = ON
    bool wal = false;                  // PRAGMA journal_mode = WAL at open
};

struct bulk_options {
    std::size_t batch_rows = 16384;      // rows handed to the worker per hop, at most
    std::size_t batch_bytes = 4u << 20;  // ... or fewer, once their text and blobs fill this
    // The bulk-load settings, for the duration of the load only: a page cache of cache_kib
    // (PRAGMA cache_size, restored afterwards). The journal mode and synchronous are left
    // as they are: with SQLite's default rollback journal, pages appended to the file (a
    // fresh table, a table's new pages) are not journaled at all, so a load writes each
    // page once, atomically and crash-safe; WAL would write every page twice (the log, then
    // the checkpoint). A database opened with open_options::wal stays in WAL.
    bool bulk_pragmas = true;
    std::size_t cache_kib = 16384;
    // Rows per INSERT statement (multi-row VALUES, fewer for wide rows: at most 999
    // parameters); an insert error is still reported for its exact row. 1: one row each.
    std::size_t group_rows = 32;
    // "INSERT" by default; e.g. "INSERT OR REPLACE", "INSERT OR IGNORE".
    const char* verb = "INSERT";
};

}  // namespace uio::sqlite
