// pg::pool: N connections shared by many tasks (loop thread only).
//
//   pg::pool pool(conninfo, {.size = 4});
//   auto conn = co_await pool.acquire(2s);   // a lease: returned to the pool at scope end
//   co_await conn->query("select 1");
//
// acquire() waits (FIFO) for a free slot within its deadline, then hands out an idle
// connection, or connects a new one. On return a connection that is broken, still busy, or
// was interrupted and not back to idle is discarded, and its slot connects afresh next
// time; an idle connection the server has closed meanwhile is discarded at acquire. A
// transaction left open by a transaction object is rolled back by the connection's next
// operation. The pool must outlive its leases.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "uio/core/semaphore.hpp"
#include "uio/core/task.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::pg {

struct pool_options {
    std::size_t size = 4;
    std::chrono::milliseconds connect_timeout{10'000};
    connect_options connection{};
};

class pool {
  public:
    explicit pool(std::string conninfo, pool_options options = {});
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;
    ~pool();

    class [[nodiscard]] lease {
      public:
        lease() = default;
        lease(lease&& other) noexcept
            : owner_(std::exchange(other.owner_, nullptr)),
              conn_(std::move(other.conn_)),
              permit_(std::move(other.permit_)) {}
        lease& operator=(lease&& other) noexcept;
        ~lease();
        connection& operator*() noexcept { return conn_; }
        connection* operator->() noexcept { return &conn_; }
        explicit operator bool() const noexcept { return owner_ != nullptr; }
        void release() noexcept;

      private:
        friend class pool;
        lease(pool* owner, connection conn, semaphore::permit permit) noexcept
            : owner_(owner), conn_(std::move(conn)), permit_(std::move(permit)) {}
        pool* owner_ = nullptr;
        connection conn_;
        semaphore::permit permit_;
    };

    // A connection within `timeout`: std::system_error(timed_out) when no slot frees up in
    // time, pg::error when a new connection cannot be made. A waiting acquire(timeout) holds
    // one io_uring timeout, and the ring's in-flight cap (io_context_options) counts it: with
    // hundreds of tasks queued on a small pool prefer acquire() without a deadline (or a
    // larger ring), else the timers can crowd out the pool's own socket polls.
    [[nodiscard]] task<lease> acquire(std::chrono::milliseconds timeout);
    // A connection, waiting as long as it takes (no timer); connecting is still bounded by
    // pool_options::connect_timeout.
    [[nodiscard]] task<lease> acquire();

    std::size_t size() const noexcept { return options_.size; }
    std::size_t idle() const noexcept { return idle_.size(); }
    std::size_t connections_made() const noexcept { return made_; }
    std::size_t connections_discarded() const noexcept { return discarded_; }

  private:
    // An idle connection that still works, or a new one connected within `limit`.
    task<lease> lease_for(semaphore::permit permit, std::chrono::milliseconds limit);
    void give_back(connection conn) noexcept;

    std::string conninfo_;
    pool_options options_;
    semaphore slots_;
    std::vector<connection> idle_;
    std::size_t made_ = 0;
    std::size_t discarded_ = 0;
};

}  // namespace uio::pg
