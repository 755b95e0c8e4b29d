// session: the request-making half shared by database (owner 0: no hold) and transaction
// (its hold's owner). Every call copies its SQL and parameters into the request, so nothing
// the caller passes needs to outlive the call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "uio/db/sqlite/connection.hpp"
#include "uio/db/sqlite/detail/request.hpp"
#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite {

namespace detail {
template <class T>
T first_value(connection& c, const std::string& sql, const std::vector<value>& params) {
    statement_lease stmt = c.prepare(sql);
    stmt->bind_all(params);
    if (!stmt->step()) {
        if constexpr (is_optional<T>::value) {
            return std::nullopt;
        } else {
            throw_no_rows(sql);
        }
    }
    return stmt->column(0).template as<T>();
}
}  // namespace detail

class session {
  public:
    // Runs one statement; yields the number of rows it changed.
    template <class... P>
    detail::request<std::int64_t> exec(std::string sql, P&&... params) const {
        return make<std::int64_t>(
            [sql = std::move(sql), p = make_params(std::forward<P>(params)...)](connection& c) {
                return c.exec_with(sql, p);
            });
    }

    // Runs one query; yields every row.
    template <class... P>
    detail::request<rows> query(std::string sql, P&&... params) const {
        return make<rows>([sql = std::move(sql), p = make_params(std::forward<P>(params)...)](
                              connection& c) { return c.query_with(sql, p); });
    }

    // The first column of the first row as T; no row throws, unless T is std::optional.
    template <class T, class... P>
    detail::request<T> query_value(std::string sql, P&&... params) const {
        return make<T>([sql = std::move(sql), p = make_params(std::forward<P>(params)...)](
                           connection& c) { return detail::first_value<T>(c, sql, p); });
    }

    // Runs fn(connection&) on the worker, for anything the calls above do not cover. fn
    // blocks the worker (and every other user of the database) while it runs.
    template <class Fn>
    auto run(Fn fn) const {
        using R = std::invoke_result_t<Fn&, connection&>;
        return make<R>(std::move(fn));
    }

  protected:
    session(detail::worker* w, std::uint64_t owner) noexcept : worker_(w), owner_(owner) {}
    ~session() = default;

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
