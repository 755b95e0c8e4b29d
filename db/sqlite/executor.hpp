// executor: what runs statements, shared by database (owner 0: no hold) and transaction
// (its hold's owner); a function that takes `sqlite::executor&` works with either. The
// vocabulary is the one both databases share (README, "One vocabulary"): execute yields the
// rows changed, fetch every row, fetch_value the first column of the first row, fetch_row the
// first row or none. Every call copies its SQL and parameters into the request, so nothing the
// caller passes needs to outlive the call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "uio/db/sqlite/blocking_connection.hpp"
#include "uio/db/sqlite/detail/request.hpp"

namespace uio::sqlite {

class executor {
  public:
    // Runs one statement; yields the number of rows it changed. Without parameters, `sql`
    // may hold several statements (a schema script).
    template <class... P>
    detail::request<std::int64_t> execute(std::string sql, P&&... params) const {
        return make<std::int64_t>(
            [sql = std::move(sql), p = make_params(std::forward<P>(params)...)](
                blocking_connection& c) { return c.execute_params(sql, p); });
    }

    // Runs one query; yields every row.
    template <class... P>
    detail::request<rows> fetch(std::string sql, P&&... params) const {
        return make<rows>([sql = std::move(sql), p = make_params(std::forward<P>(params)...)](
                              blocking_connection& c) { return c.fetch_params(sql, p); });
    }

    // The first column of the first row as T; no row throws, unless T is std::optional.
    template <class T, class... P>
    detail::request<T> fetch_value(std::string sql, P&&... params) const {
        return make<T>([sql = std::move(sql), p = make_params(std::forward<P>(params)...)](
                           blocking_connection& c) { return c.fetch_value_params<T>(sql, p); });
    }

    // The first row, or none; the row keeps its own storage.
    template <class... P>
    detail::request<std::optional<rows::row>> fetch_row(std::string sql, P&&... params) const {
        return make<std::optional<rows::row>>(
            [sql = std::move(sql), p = make_params(std::forward<P>(params)...)](
                blocking_connection& c) { return c.fetch_row_params(sql, p); });
    }

    // Runs fn(blocking_connection&) on the worker, for anything the calls above do not cover. fn
    // blocks the worker (and every other user of the database) while it runs.
    template <class Fn>
    auto run(Fn fn) const {
        using R = std::invoke_result_t<Fn&, blocking_connection&>;
        return make<R>(std::move(fn));
    }

  protected:
    executor(detail::worker* w, std::uint64_t owner) noexcept : worker_(w), owner_(owner) {}
    ~executor() = default;

    template <class R, class Fn>
    detail::request<R> make(Fn fn) const {
        return detail::request<R>(worker_, owner_,
                                  [fn = std::move(fn)](detail::worker& w) mutable -> R {
                                      return fn(detail::connection_of(w));
                                  });
    }

    detail::worker* worker_;
    std::uint64_t owner_;
};

}  // namespace uio::sqlite
