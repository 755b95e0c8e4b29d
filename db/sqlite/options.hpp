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
    std::size_t batch_rows = 8192;  // rows handed to the worker per hop
    // The bulk-load PRAGMAs: journal_mode = WAL (persistent, a property of the file) and
    // synchronous = NORMAL (this connection, until it closes). Durable after commit except on
    // power loss in the last moments, where WAL rolls back to a consistent state.
    bool bulk_pragmas = true;
    // "INSERT" by default; e.g. "INSERT OR REPLACE", "INSERT OR IGNORE".
    const char* verb = "INSERT";
};

}  // namespace uio::sqlite
