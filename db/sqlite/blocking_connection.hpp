// blocking_connection: the synchronous SQLite connection that lives on a database's worker
// thread. Code handed to db.transaction(fn) or db.run(fn) receives it; it must not be kept,
// nor touched from any other thread. Everything here blocks: that is why it runs on the
// worker. Same vocabulary as database (execute, fetch, fetch_value, fetch_row), without the
// co_await.
//
//   co_await db.transaction([&](sqlite::blocking_connection& c) {
//       c.execute("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
//       c.execute("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
//   });
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "uio/db/sqlite/error.hpp"
#include "uio/db/sqlite/options.hpp"
#include "uio/db/sqlite/rows.hpp"
#include "uio/db/sqlite/statement_cache.hpp"
#include "uio/db/sqlite/value.hpp"

struct sqlite3;

namespace uio::sqlite {

class blocking_connection {
  public:
    static blocking_connection open(const std::string& path, const open_options& options);
    blocking_connection(blocking_connection&& other) noexcept;
    blocking_connection& operator=(blocking_connection&&) = delete;
    ~blocking_connection();

    // One statement with bound parameters; returns the number of rows changed. Without
    // parameters, `sql` may hold several statements (a schema script).
    template <class... P>
    std::int64_t execute(std::string_view sql, P&&... params) {
        return execute_params(sql, make_params(std::forward<P>(params)...));
    }
    std::int64_t execute_params(std::string_view sql, std::span<const value> params);

    // One query; every row.
    template <class... P>
    rows fetch(std::string_view sql, P&&... params) {
        return fetch_params(sql, make_params(std::forward<P>(params)...));
    }
    rows fetch_params(std::string_view sql, std::span<const value> params);

    // One query; its first row, or none (stepping no further). The row keeps its own storage.
    template <class... P>
    std::optional<rows::row> fetch_row(std::string_view sql, P&&... params) {
        return fetch_row_params(sql, make_params(std::forward<P>(params)...));
    }
    std::optional<rows::row> fetch_row_params(std::string_view sql, std::span<const value> params);

    // The first column of the first row as T; no row throws sqlite::error, unless T is
    // std::optional (NULL is nullopt too).
    template <class T, class... P>
    T fetch_value(std::string_view sql, P&&... params) {
        return fetch_value_params<T>(sql, make_params(std::forward<P>(params)...));
    }
    template <class T>
    T fetch_value_params(std::string_view sql, std::span<const value> params);

    // Runs fn(*this) in a transaction (BEGIN IMMEDIATE, or a SAVEPOINT when one is already
    // open): committed when fn returns, rolled back when it throws.
    template <class Fn>
    auto transaction(Fn&& fn) -> decltype(fn(std::declval<blocking_connection&>()));

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

    blocking_connection(sqlite3* db, std::size_t cache_capacity) noexcept
        : db_(db), cache_(cache_capacity) {}

    sqlite3* db_;
    statement_cache cache_;
    std::vector<bool> levels_;  // open transaction() levels: true for a SAVEPOINT
};

template <class T>
T blocking_connection::fetch_value_params(std::string_view sql, std::span<const value> params) {
    statement_lease stmt = prepare(sql);
    stmt->bind_all(params);
    if (!stmt->step()) {
        if constexpr (detail::is_optional<T>::value) {
            return std::nullopt;
        } else {
            detail::throw_no_rows(std::string(sql));
        }
    }
    return stmt->column(0).template as<T>();
}

template <class Fn>
auto blocking_connection::transaction(Fn&& fn)
    -> decltype(fn(std::declval<blocking_connection&>())) {
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
