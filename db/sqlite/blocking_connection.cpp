// blocking_connection: opening with the settings every uio database gets (extended result codes,
// busy timeout, foreign keys), statements through the cache, nested transactions.
#include "uio/db/sqlite/blocking_connection.hpp"

#include <sqlite3.h>

#include <memory>
#include <optional>

#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite {

blocking_connection blocking_connection::open(const std::string& path,
                                              const open_options& options) {
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (options.read_only) {
        flags |= SQLITE_OPEN_READONLY;
    } else {
        flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
    }
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        int code = db ? sqlite3_extended_errcode(db) : rc;
        sqlite3_close_v2(db);
        throw error(code, "cannot open '" + path + "': " + message);
    }
    blocking_connection c(db, options.statement_cache);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
    if (!options.read_only) {
        if (options.foreign_keys) c.execute_params("PRAGMA foreign_keys = ON", {});
        if (options.wal) c.execute_params("PRAGMA journal_mode = WAL", {});
    }
    return c;
}

blocking_connection::blocking_connection(blocking_connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      cache_(std::move(other.cache_)),
      levels_(std::move(other.levels_)) {}

blocking_connection::~blocking_connection() {
    cache_.clear();  // statements first: close_v2 would otherwise linger as a zombie
    sqlite3_close_v2(db_);
}

std::int64_t blocking_connection::execute_params(std::string_view sql,
                                                 std::span<const value> params) {
    std::string_view tail;
    {
        statement_lease stmt = cache_.acquire(db_, sql, &tail);
        if (!params.empty() && !is_blank_sql(tail)) {
            throw error(SQLITE_MISUSE, "parameters given to several statements", std::string(sql));
        }
        stmt->bind_all(params);
        while (stmt->step()) {
        }
    }
    while (!is_blank_sql(tail)) {
        std::string_view rest;
        statement next(db_, tail, &rest, false);
        while (next.step()) {
        }
        tail = rest;
    }
    return changes();
}

rows blocking_connection::fetch_params(std::string_view sql, std::span<const value> params) {
    std::string_view tail;
    statement_lease stmt = cache_.acquire(db_, sql, &tail);
    if (!is_blank_sql(tail)) {
        throw error(SQLITE_MISUSE, "fetch() takes one statement", std::string(sql));
    }
    stmt->bind_all(params);
    return stmt->read_all();
}

std::optional<rows::row> blocking_connection::fetch_row_params(std::string_view sql,
                                                               std::span<const value> params) {
    std::string_view tail;
    statement_lease stmt = cache_.acquire(db_, sql, &tail);
    if (!is_blank_sql(tail)) {
        throw error(SQLITE_MISUSE, "fetch_row() takes one statement", std::string(sql));
    }
    stmt->bind_all(params);
    auto first = std::make_shared<const rows>(stmt->read_rows(1));
    if (first->empty()) return std::nullopt;
    return rows::row(std::move(first), 0);
}

std::int64_t blocking_connection::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(db_);
}

std::int64_t blocking_connection::changes() const noexcept {
    return sqlite3_changes64(db_);
}

bool blocking_connection::in_transaction() const noexcept {
    return sqlite3_get_autocommit(db_) == 0;
}

void blocking_connection::begin_level() {
    bool savepoint = in_transaction();
    execute_params(savepoint ? "SAVEPOINT uio_level_" + std::to_string(levels_.size())
                             : std::string("BEGIN IMMEDIATE"),
                   {});
    levels_.push_back(savepoint);
}

void blocking_connection::end_level(bool commit) {
    bool savepoint = levels_.back();
    levels_.pop_back();
    std::string name = "uio_level_" + std::to_string(levels_.size());
    if (commit) {
        try {
            execute_params(savepoint ? "RELEASE " + name : std::string("COMMIT"), {});
            return;
        } catch (...) {
            end_level_quietly(savepoint, name);
            throw;
        }
    }
    end_level_quietly(savepoint, name);
}

void blocking_connection::end_level_quietly(bool savepoint, const std::string& name) noexcept {
    // After some errors (SQLITE_FULL, SQLITE_IOERR...) SQLite has already rolled the whole
    // transaction back; then there is nothing left to undo.
    if (!in_transaction()) return;
    std::string sql = savepoint ? "ROLLBACK TO " + name + "; RELEASE " + name : "ROLLBACK";
    sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
}

}  // namespace uio::sqlite
