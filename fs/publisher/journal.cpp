// The sqlite3 C API directly; WAL with synchronous=NORMAL survives kill -9 of the copier
// (the failure the journal exists for) at one fsync per checkpoint rather than per commit.
#include "uio/fs/publisher/journal.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include <uio/core/offload.hpp>

#include "uio/fs/report.hpp"

namespace uio::fs {

namespace {

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        throw copy_error(std::string("journal: ") + what + ": " + sqlite3_errmsg(db));
    }
}

void exec(sqlite3* db, const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw copy_error(std::string("journal: ") + text);
    }
}

}  // namespace

std::string journal_key(const std::string& path) {
    return std::filesystem::path(path).lexically_normal().string();
}

journal::journal(const std::string& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw copy_error("cannot open journal " + quote(file) + ": " + message);
    }
    try {
        sqlite3_busy_timeout(db_, 5000);
        exec(db_,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
             "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
             " mtime_ns INTEGER NOT NULL, hash TEXT, copied_at INTEGER NOT NULL)");
    } catch (...) {
        sqlite3_close(db_);
        throw;
    }
}

// Every flush() has been awaited by now, so no commit is running on the journal thread.
journal::~journal() {
    sqlite3_close(db_);
}

uio::task<void> journal::lookup(std::vector<query>& queries) {
    if (queries.empty()) co_return;
    co_await uio::offload(thread_, [this, &queries] { answer(queries); });
}

// The path is the primary key, so each probe is an index search: cost and memory per
// batch, not per journal.
void journal::answer(std::vector<query>& queries) {
    sqlite3_stmt* raw = nullptr;
    check(db_,
          sqlite3_prepare_v2(db_, "SELECT size, mtime_ns FROM files WHERE path = ?", -1, &raw,
                             nullptr),
          "prepare");
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> select(raw, sqlite3_finalize);
    for (query& q : queries) {
        sqlite3_bind_text(raw, 1, q.path.data(), static_cast<int>(q.path.size()), SQLITE_STATIC);
        q.done = sqlite3_step(raw) == SQLITE_ROW &&
                 static_cast<std::uint64_t>(sqlite3_column_int64(raw, 0)) == q.size &&
                 sqlite3_column_int64(raw, 1) == q.mtime_ns;
        sqlite3_reset(raw);
    }
}

void journal::add(record r) {
    pending_.push_back(std::move(r));
}

bool journal::flush_due() const {
    return pending_.size() >= 512 ||
           (!pending_.empty() &&
            std::chrono::steady_clock::now() - last_flush_ > std::chrono::milliseconds(200));
}

uio::task<void> journal::flush() {
    if (pending_.empty()) co_return;
    std::vector<record> batch = std::move(pending_);
    pending_.clear();
    last_flush_ = std::chrono::steady_clock::now();
    co_await uio::offload(thread_, [this, &batch] { commit(batch); });
}

void journal::commit(const std::vector<record>& batch) {
    exec(db_, "BEGIN");
    sqlite3_stmt* insert = nullptr;
    check(db_,
          sqlite3_prepare_v2(db_,
                             "INSERT OR REPLACE INTO files(path, size, mtime_ns, hash, copied_at)"
                             " VALUES(?, ?, ?, ?, strftime('%s','now'))",
                             -1, &insert, nullptr),
          "prepare");
    for (const record& r : batch) {
        sqlite3_bind_text(insert, 1, r.path.data(), static_cast<int>(r.path.size()), SQLITE_STATIC);
        sqlite3_bind_int64(insert, 2, static_cast<sqlite3_int64>(r.size));
        sqlite3_bind_int64(insert, 3, r.mtime_ns);
        if (r.hash.empty()) {
            sqlite3_bind_null(insert, 4);
        } else {
            sqlite3_bind_text(insert, 4, r.hash.data(), static_cast<int>(r.hash.size()),
                              SQLITE_STATIC);
        }
        int rc = sqlite3_step(insert);
        sqlite3_reset(insert);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(insert);
            exec(db_, "ROLLBACK");
            check(db_, rc, "insert");
        }
    }
    sqlite3_finalize(insert);
    exec(db_, "COMMIT");
}

}  // namespace uio::fs
