// pg::executor: what runs statements, shared by connection and transaction as
// sqlite::executor is by sqlite::database and sqlite::transaction; a function that takes
// `pg::executor&` works with either. The vocabulary is the one both databases share (README,
// "One vocabulary"): execute yields the rows changed, fetch every row, fetch_value the first
// column of the first row, fetch_row the first row or none. Parameters are $1, $2...
// (extended protocol), always bound.
//
//   task<void> rename(pg::executor& db, std::int64_t id) {
//       std::optional<pg::row> r = co_await db.fetch_row("select name from t where id = $1", id);
//       if (r) co_await db.execute("update t set name = $1 where id = $2",
//                                  (*r)[0].as<std::string>() + "!", id);
//   }
//
// A transaction's calls run on its connection's session (inside the transaction); calls on a
// finished transaction, a moved-from or never connected connection throw std::logic_error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "uio/core/task.hpp"
#include "uio/db/pg/params.hpp"
#include "uio/db/pg/result.hpp"

namespace uio::pg {

namespace detail {
class driver;

[[noreturn]] void throw_no_rows(const std::string& sql);

// fetch_value's second half: awaits the query, reads its first cell.
template <class T>
task<T> first_value(task<result> query, std::string sql) {
    result r = co_await std::move(query);
    if (r.empty()) {
        if constexpr (is_optional<T>::value) {
            co_return std::nullopt;
        } else {
            throw_no_rows(sql);
        }
    }
    co_return r[0][0].template as<T>();
}

// fetch_row's second half: the first row, keeping its result alive, or none.
task<std::optional<row>> first_row(task<result> query);
}  // namespace detail

class executor {
  public:
    // One statement with parameters; yields the rows it changed (0 for DDL).
    template <class Arg, class... Args>
    [[nodiscard]] task<std::int64_t> execute(std::string sql, const Arg& arg, const Args&... args) {
        return execute_params(std::move(sql), params(arg, args...));
    }
    [[nodiscard]] task<std::int64_t> execute_params(std::string sql, params values);
    // Without parameters, any number of statements (simple protocol: DDL, scripts); yields
    // the rows the last one changed.
    [[nodiscard]] task<std::int64_t> execute(std::string sql);

    // One query; yields every row.
    template <class... Args>
    [[nodiscard]] task<result> fetch(std::string sql, const Args&... args) {
        return fetch_params(std::move(sql), params(args...));
    }
    [[nodiscard]] task<result> fetch_params(std::string sql, params values);

    // The first column of the first row as T; no row throws pg::error, unless T is
    // std::optional (NULL is nullopt too).
    template <class T, class... Args>
    [[nodiscard]] task<T> fetch_value(std::string sql, const Args&... args) {
        std::string text = sql;  // for the message when there is no row
        return detail::first_value<T>(fetch_params(std::move(sql), params(args...)),
                                      std::move(text));
    }

    // The first row, or none; the row keeps its result alive (no other view is needed).
    template <class... Args>
    [[nodiscard]] task<std::optional<row>> fetch_row(std::string sql, const Args&... args) {
        return detail::first_row(fetch_params(std::move(sql), params(args...)));
    }

  protected:
    executor() noexcept = default;
    explicit executor(detail::driver* d) noexcept : driver_(d) {}
    executor(const executor&) = default;
    executor& operator=(const executor&) = default;
    ~executor() = default;

    // The session the calls run on; throws std::logic_error when there is none.
    detail::driver& session() const;

    detail::driver* driver_ = nullptr;
};

}  // namespace uio::pg
