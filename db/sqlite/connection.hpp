// connection: the synchronous SQLite connection that lives on a database's worker thread.
// Code handed to db.transaction(fn) or db.run(fn) receives it; it must not be kept, nor
// touched from any other thread. Everything here blocks: that is why it runs on the worker.
//
//   co_await db.transaction([&](sqlite::connection& c) {
//       c.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
//       c.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
//   });
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "uio/db/sqlite/options.hpp"
#include "uio/db/sqlite/rows.hpp"
#include "uio/db/sqlite/statement_cache.hpp"
#include "uio/db/sqlite/value.hpp"

struct sqlite3;

namespace uio::sqlite {

class connection {
  public:
    static connection open(const std::string& path, const open_options& options);
    connection(connection&& other) noexcept;
    connection& operator=(connection&&) = delete;
    ~connection();

    // One statement with bound parameters; returns the number of rows changed. Without
    // parameters, `sql` may hold several statements (a schema script).
    template <class... P>
    std::int64_t exec(std::string_view sql, P&&... params) {
        return exec_with(sql, make_params(std::forward<P>(params)...));
    }
    std::int64_t exec_with(std::string_view sql, std::span<const value> params);

    template <class... P>
    rows query(std::string_view sql, P&&... params) {
        return query_with(sql, make_params(std::forward<P>(params)...));
    }
    rows query_with(std::string_view sql, std::span<const value> params);

    // Runs fn(*this) in a transaction (BEGIN IMMEDIATE, or a SAVEPOINT when one is already
    // open): committed when fn returns, rolled back when it throws.
    template <class Fn>
    auto transaction(Fn&& fn) -> decltype(fn(std::declval<connection&>()));

    // A cached prepared statement, for loops that bind and step themselves.
    statement_lease prepare(std::string_view sql) { return cache_.acquire(db_, sql); }

    std::int64_t last_insert_rowid() const noexcept;
    std::int64_t changes() const noexcept;
    bool in_transaction() const noexcept;
    sqlite3* handle() const noexcept { return db_; }
    const statement_cache& cache() const noexcept { return cache_; }

    // For transaction(): enter and leave one level; end_level(false) rolls it back.
    void begin_level();
    void end_level(bool commit);

  private:
    void end_level_quietly(bool savepoint, const std::string& name) noexcept;

    connection(sqlite3* db, std::size_t cache_capacity) noexcept
        : db_(db), cache_(cache_capacity) {}

    sqlite3* db_;
    statement_cache cache_;
    std::vector<bool> levels_;  // open transaction() levels: true for a SAVEPOINT
};

template <class Fn>
auto connection::transaction(Fn&& fn) -> decltype(fn(std::declval<connection&>())) {
    begin_level();
    try {
        if constexpr (std::is_void_v<decltype(fn(*this))>) {
            fn(*this);
            end_level(true);
        } else {
            auto result = fn(*this);
            end_level(true);
            return result;
        }
    } catch (...) {
        end_level(false);
        throw;
    }
}

}  // namespace uio::sqlite
