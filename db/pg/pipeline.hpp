// pg::pipeline: many queries in flight on one connection (libpq pipeline mode), results in
// the order sent. At most max_in_flight queries are on the wire; send() reads results ahead
// into a queue when the cap is reached, so receive as you send to keep memory bounded.
//
//   auto p = co_await pg::pipeline::open(conn, {.max_in_flight = 256});
//   for (int i = 0; i < n; ++i) {
//       co_await p.send("select $1::int8 * 2", i);
//       if (p.unreceived() >= 256) use(co_await p.receive());
//   }
//   while (p.unreceived() > 0) use(co_await p.receive());
//   co_await p.close();
//
// Errors belong to the query that caused them: its receive() throws pg::error with
// query_index(). Queries after it in the same batch (up to the next sync, which we insert
// after every max_in_flight / 2 queries, and whenever receive() reaches queries not yet
// synced) never ran; theirs throw pg::pipeline_aborted, naming the culprit. Later batches
// run normally. A stop request or deadline ends the pipeline: the
// connection is cancelled and drained, and the pipeline is closed.
//
// The pipeline holds its connection (busy) until close() or destruction; destroying it
// without close() leaves the connection to drain before its next operation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "uio/core/task.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::pg {

struct pipeline_options {
    std::size_t max_in_flight = 1000;
};

class pipeline {
  public:
    [[nodiscard]] static task<pipeline> open(connection& conn, pipeline_options options = {});
    pipeline(pipeline&&) noexcept;
    pipeline& operator=(pipeline&&) noexcept;
    ~pipeline();

    // Queues one query; returns its index (0, 1, 2...).
    template <class... Args>
    [[nodiscard]] task<std::uint64_t> send(std::string sql, const Args&... args) {
        return send_params(std::move(sql), params(args...));
    }
    [[nodiscard]] task<std::uint64_t> send_params(std::string sql, params values);
    // A prepared statement (connection::prepare) by name.
    template <class... Args>
    [[nodiscard]] task<std::uint64_t> send_prepared(std::string name, const Args&... args) {
        return send_prepared_params(std::move(name), params(args...));
    }
    [[nodiscard]] task<std::uint64_t> send_prepared_params(std::string name, params values);

    // The result of the oldest query not yet received (or its error).
    [[nodiscard]] task<result> receive();
    // Discards results not received, waits for the server, leaves pipeline mode.
    [[nodiscard]] task<void> close();

    std::uint64_t sent() const noexcept;
    std::uint64_t unreceived() const noexcept;

  private:
    struct state;
    explicit pipeline(std::unique_ptr<state> s) noexcept;
    std::unique_ptr<state> s_;
};

}  // namespace uio::pg
