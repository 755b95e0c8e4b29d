// pg::connection: one PostgreSQL session driven through libpq's non-blocking API on the
// thread's io_context. Nothing here blocks the loop: the socket is polled on the ring, and
// PQcancel (which blocks) runs through offload.
//
//   auto conn = co_await pg::connection::connect("host=/tmp/pg dbname=app", 5s);
//   pg::result r = co_await conn.fetch("select $1::int8 + 1, $2::text", 41, "x");
//   std::int64_t answer = r[0][0].as<std::int64_t>();
//   auto n = co_await conn.fetch_value<std::int64_t>("select count(*) from t");
//   std::int64_t changed = co_await conn.execute("delete from t where id = $1", 7);
//   std::optional<pg::row> first = co_await conn.fetch_row("select * from t where id = $1", 7);
//
// Settings come from the conninfo string or URI and the PG* environment variables (libpq).
// Our own deadline bounds connecting, since libpq's connect_timeout does not apply to
// non-blocking connects. Host names are resolved by libpq, which blocks: give hostaddr (or a
// socket directory) for a loop that must never stall.
//
// Cancellation: a stop request (with_timeout, a failing sibling, io_context::request_stop)
// or the per-query timeout interrupts the running query; the connection then sends a cancel
// request and drains to idle before the exception (operation_canceled or timed_out)
// leaves. If it cannot get back to idle within drain_timeout it is marked broken.
//
// One operation at a time: a second concurrent call throws std::logic_error. For many
// queries in flight use a pipeline; for many tasks use a pool. Generators (stream, copy_out,
// notifications) hold the connection until they finish or are destroyed; a generator
// destroyed early leaves the connection to be cancelled and drained by its next operation.
// The connection must outlive its generators, transactions and pipelines.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "uio/core/async_generator.hpp"
#include "uio/core/task.hpp"
#include "uio/db/pg/error.hpp"
#include "uio/db/pg/executor.hpp"
#include "uio/db/pg/notification.hpp"
#include "uio/db/pg/params.hpp"
#include "uio/db/pg/result.hpp"
#include "uio/db/pg/transaction.hpp"

extern "C" {
struct pg_conn;
}

namespace uio::pg {

namespace detail {
struct driver_access;
}  // namespace detail

struct connect_options {
    // For connection poolers in transaction mode (PgBouncer): never create named server-side
    // statements; prepare() only remembers the SQL and fetch_prepared() sends it as an
    // unnamed statement each time.
    bool unnamed_statements = false;
    // Bounds every query (0: none); past it the query is cancelled and timed_out thrown.
    std::chrono::milliseconds query_timeout{0};
};

class connection : public executor {
  public:
    connection() noexcept;
    connection(connection&&) noexcept;
    connection& operator=(connection&&) noexcept;
    ~connection();

    // Connects within `timeout`; throws pg::error (unreachable, authentication, no such
    // database) or std::system_error(timed_out). Messages show the conninfo without its
    // password.
    [[nodiscard]] static task<connection> connect(std::string conninfo,
                                                  std::chrono::milliseconds timeout,
                                                  connect_options options = {});

    // execute, fetch, fetch_value and fetch_row: the vocabulary both databases share, from
    // executor (executor.hpp).

    // Prepared statements (named on the server, or remembered locally in unnamed mode).
    [[nodiscard]] task<void> prepare(std::string name, std::string sql);
    template <class... Args>
    [[nodiscard]] task<result> fetch_prepared(std::string name, const Args&... args) {
        return fetch_prepared_params(std::move(name), params(args...));
    }
    [[nodiscard]] task<result> fetch_prepared_params(std::string name, params values);

    // The rows of a large result one at a time (single-row mode): constant memory.
    template <class... Args>
    [[nodiscard]] async_generator<row> stream(std::string sql, const Args&... args) {
        return stream_params(std::move(sql), params(args...));
    }
    [[nodiscard]] async_generator<row> stream_params(std::string sql, params values);

    // BEGIN [mode], e.g. begin("isolation level serializable").
    [[nodiscard]] task<transaction> begin(std::string mode = {});

    // COPY ... FROM STDIN fed from `source` (chunks need not end at row boundaries; each
    // chunk must stay valid until the next is asked for). Returns the rows copied. A server
    // error stops reading `source` at once; the pg::error carries copy_line().
    [[nodiscard]] task<std::int64_t> copy_in(std::string sql,
                                             async_generator<std::span<const std::byte>> source);
    // COPY ... TO STDOUT as chunks of about 64 KiB (whole rows), each valid until the next
    // next(). When the generator ends, *rows (if given) holds the rows copied.
    [[nodiscard]] async_generator<std::span<const std::byte>> copy_out(
        std::string sql, std::int64_t* rows = nullptr);

    // LISTEN on `channel` (quoted as an identifier), and the notifications that arrive, in
    // order, until the consumer stops. Notifications that arrived during other queries are
    // delivered first.
    [[nodiscard]] task<void> listen(std::string channel);
    [[nodiscard]] task<void> unlisten(std::string channel);
    [[nodiscard]] async_generator<notification> notifications();

    // Asks the server to cancel what this connection is running (from another task).
    [[nodiscard]] task<void> cancel();

    void set_query_timeout(std::chrono::milliseconds limit) noexcept;
    bool is_open() const noexcept;
    // Usable and idle, with no transaction left open by anyone but a transaction object.
    bool is_reusable() const noexcept;
    bool is_broken() const noexcept;
    int backend_pid() const noexcept;
    const std::string& redacted_conninfo() const noexcept;
    pg_conn* native() const noexcept;

  private:
    // The driver underneath, for pipelines, pools and transactions (detail/driver.hpp).
    friend struct detail::driver_access;
    explicit connection(std::unique_ptr<detail::driver> s) noexcept;
    std::unique_ptr<detail::driver> s_;
};

}  // namespace uio::pg
