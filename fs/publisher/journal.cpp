// The journal through uio::sqlite: WAL with synchronous=NORMAL survives kill -9 of the copier
// (the failure the journal exists for) at one fsync per checkpoint rather than per commit.
// Lookups and commits each run as one request on the database's worker, with its cached
// prepared statement: one hop per batch, as the journal's own thread took before.
#include "uio/fs/publisher/journal.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "uio/fs/report.hpp"

namespace uio::fs {

namespace {

namespace sqlite = uio::sqlite;

// SQLite's failure as the journal's: the file named, the kind kept (a file that cannot be
// opened is io, a file that is not a database is database; both exit 1).
[[noreturn]] void fail_journal(const std::string& file, const sqlite::error& e) {
    throw uio::failure(e.kind(), "journal " + quote(file) + ": " + e.what());
}

// uio::sqlite opens with URIs on, so a relative --journal named "file:..." would be read as
// a URI: "./" keeps it the file the user named.
std::string journal_open_path(const std::string& file) {
    return file.rfind("file:", 0) == 0 ? "./" + file : file;
}

sqlite::database open_journal(const std::string& file) {
    try {
        return sqlite::database::open_blocking(
            journal_open_path(file), {.foreign_keys = false, .wal = true},
            [](sqlite::blocking_connection& c) {
                c.execute(
                    "PRAGMA synchronous=NORMAL;"
                    "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT"
                    " NULL, mtime_ns INTEGER NOT NULL, hash TEXT, copied_at INTEGER NOT NULL)");
            });
    } catch (const sqlite::error& e) {
        // SQLite names the file itself only when it cannot open it ("cannot open 'FILE': ...").
        if (e.primary_code() == SQLITE_CANTOPEN) {
            throw uio::failure(e.kind(), std::string("journal: ") + e.what());
        }
        fail_journal(file, e);  // not a database, read-only...
    }
}

}  // namespace

std::string journal_key(const std::string& path) {
    return std::filesystem::path(path).lexically_normal().string();
}

journal::journal(const std::string& file) : file_(file), db_(open_journal(file)) {}

// The path is the primary key, so each probe is an index search: cost and memory per
// batch, not per journal.
uio::task<void> journal::lookup(std::vector<query>& queries) {
    if (queries.empty()) co_return;
    auto answer = db_.run([&queries](sqlite::blocking_connection& c) {
        sqlite::statement_lease select =
            c.prepare("SELECT size, mtime_ns FROM files WHERE path = ?");
        for (query& q : queries) {
            const sqlite::value path(q.path);
            select->bind(1, path);
            q.done = select->step() &&
                     select->column(0).as<std::int64_t>() == static_cast<std::int64_t>(q.size) &&
                     select->column(1).as<std::int64_t>() == q.mtime_ns;
            select->reset();
        }
    });
    try {
        co_await answer;
    } catch (const sqlite::error& e) {
        fail_journal(file_, e);
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

// Every queued record in one transaction: all of the batch or, if one insert fails, none.
uio::task<void> journal::flush() {
    if (pending_.empty()) co_return;
    std::vector<record> batch = std::move(pending_);
    pending_.clear();
    last_flush_ = std::chrono::steady_clock::now();
    auto commit = db_.transaction([&batch](sqlite::blocking_connection& c) {
        sqlite::statement_lease insert = c.prepare(
            "INSERT OR REPLACE INTO files(path, size, mtime_ns, hash, copied_at)"
            " VALUES(?, ?, ?, ?, strftime('%s','now'))");
        for (const record& r : batch) {
            const sqlite::value values[] = {
                r.path, static_cast<std::int64_t>(r.size), r.mtime_ns,
                r.hash.empty() ? sqlite::value(sqlite::null) : sqlite::value(r.hash)};
            insert->bind_all(values);
            while (insert->step()) {
            }
            insert->reset();
        }
    });
    try {
        co_await commit;
    } catch (const sqlite::error& e) {
        fail_journal(file_, e);
    }
}

}  // namespace uio::fs
