// sqlite::database: an SQLite database for coroutines. SQLite blocks, so the connection
// lives on a worker thread of its own; every call is a request queued to it in order, and
// the awaiting task resumes on its own loop thread with the result. Many tasks (on one or
// several loops) may share one database.
//
//   auto db = co_await sqlite::database::open("shop.db");
//   co_await db.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)");
//   co_await db.execute("INSERT INTO items (name) VALUES (?)", name);   // bound, never pasted
//   sqlite::rows r = co_await db.fetch("SELECT id, name FROM items WHERE id > ?", 10);
//   auto n = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM items");
//
// Transactions, three ways: db.transaction(fn) runs fn(blocking_connection&) on the worker between
// BEGIN IMMEDIATE and COMMIT (rollback if it throws) — atomic and the simplest; db.begin()
// gives an RAII transaction for bodies that must await in between (see transaction.hpp);
// db.bulk_insert() loads many rows (see bulk_insert.hpp).
//
// Errors are sqlite::error (extended code, SQLite's message, the SQL). Statements are
// prepared once and cached per SQL text. Destroying the database (or co_await close())
// finishes the queued requests, closes the connection and joins the worker thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/sqlite/blocking_connection.hpp"
#include "uio/db/sqlite/bulk_insert.hpp"
#include "uio/db/sqlite/error.hpp"
#include "uio/db/sqlite/executor.hpp"
#include "uio/db/sqlite/options.hpp"
#include "uio/db/sqlite/quote.hpp"
#include "uio/db/sqlite/rows.hpp"
#include "uio/db/sqlite/transaction.hpp"
#include "uio/db/sqlite/value.hpp"

namespace uio::sqlite {

class database : public executor {
  public:
    // Opens (by default creating) the file at `path`; ":memory:" and file: URIs work too.
    [[nodiscard]] static task<database> open(std::string path, open_options options = {});

    // The same, for code that is not a coroutine (a constructor, main): blocks the calling
    // thread until the worker has opened the connection and run `setup` on it (per-connection
    // PRAGMAs, a schema), and throws what either threw. Nothing else is queued meanwhile.
    static database open_blocking(std::string path, open_options options = {},
                                  std::function<void(blocking_connection&)> setup = {});

    database(database&& other) noexcept;
    database& operator=(database&& other) noexcept;
    ~database();

    // fn(blocking_connection&) -> R, run on the worker inside a transaction (a SAVEPOINT if one is
    // open): committed when fn returns, rolled back when it throws (the exception reaches
    // the awaiter). fn must not await; it runs start to end while other requests wait.
    template <class Fn>
    auto transaction(Fn fn) {
        return run(
            [fn = std::move(fn)](blocking_connection& c) mutable { return c.transaction(fn); });
    }

    // A transaction held across awaits; rolled back unless committed.
    [[nodiscard]] task<sqlite::transaction> begin() { return sqlite::transaction::begin(worker_); }

    // A bulk insert of `columns` into `table` (names are quoted for you).
    [[nodiscard]] task<bulk_inserter> bulk_insert(std::string table,
                                                  std::vector<std::string> columns,
                                                  bulk_options options = {}) {
        return bulk_inserter::begin(worker_, std::move(table), std::move(columns), options);
    }

    // Finishes queued requests, closes the connection and joins the worker thread.
    [[nodiscard]] task<void> close();

    bool is_open() const noexcept { return owned_ != nullptr; }
    const std::string& path() const noexcept { return path_; }

  private:
    database(std::unique_ptr<detail::worker> w, std::string path) noexcept;

    std::unique_ptr<detail::worker> owned_;
    std::string path_;
};

}  // namespace uio::sqlite
