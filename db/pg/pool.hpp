// pg::pool: N connections shared by many tasks (loop thread only).
//
//   pg::pool pool(conninfo, {.size = 4});
//   auto conn = co_await pool.acquire(2s);   // a lease: returned to the pool at scope end
//   co_await conn->fetch("select 1");
//
// acquire() waits (FIFO) for a free slot within its deadline, then hands out an idle
// connection, or connects a new one. Waiters with deadlines share one io_uring timeout: the
// waiter whose deadline is earliest sleeps on it for everyone, times out every waiter whose
// deadline has passed when it fires, and hands the timer on. So a thousand tasks queued with
// acquire(timeout) on a pool of two hold one timer on the ring, not a thousand. On return a
// connection that is broken, still busy, or was interrupted and not back to idle is discarded, and
// its slot connects afresh next time; an idle connection the server has closed meanwhile is
// discarded at acquire. A transaction left open by a transaction object is rolled back by the
// connection's next operation. The pool must outlive its leases.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "uio/core/detail/permit.hpp"
#include "uio/core/detail/waiter_list.hpp"
#include "uio/core/task.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::pg {

struct pool_options {
    std::size_t size = 4;
    std::chrono::milliseconds connect_timeout{10'000};
    connect_options connection{};
};

class pool {
    // Its slot goes to the longest waiter, or becomes free.
    void release_slot() noexcept;
    // One of the pool's `size` places, held by a lease (or an acquire on its way to one): the
    // same permit as semaphore::permit (core/detail/permit.hpp), given back by release_slot().
    using slot = uio::detail::permit<pool, &pool::release_slot>;

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
              slot_(std::move(other.slot_)) {}
        lease& operator=(lease&& other) noexcept;
        ~lease();
        connection& operator*() noexcept { return conn_; }
        connection* operator->() noexcept { return &conn_; }
        explicit operator bool() const noexcept { return owner_ != nullptr; }
        void release() noexcept;

      private:
        friend class pool;
        lease(pool* owner, connection conn, slot place) noexcept
            : owner_(owner), conn_(std::move(conn)), slot_(std::move(place)) {}
        pool* owner_ = nullptr;
        connection conn_;
        slot slot_;
    };

    // A connection within `timeout`: std::system_error(timed_out) when no slot frees up in
    // time, pg::error when a new connection cannot be made. Cancellable (a stop request
    // leaves the queue with operation_canceled).
    [[nodiscard]] task<lease> acquire(std::chrono::milliseconds timeout);
    // A connection, waiting as long as it takes (no timer); connecting is still bounded by
    // pool_options::connect_timeout.
    [[nodiscard]] task<lease> acquire();

    std::size_t size() const noexcept { return options_.size; }
    std::size_t idle() const noexcept { return idle_.size(); }
    std::size_t connections_made() const noexcept { return made_; }
    std::size_t connections_discarded() const noexcept { return discarded_; }

    // Tasks waiting for a slot now (timed or not).
    std::size_t waiting() const noexcept { return queue_.size(); }

  private:
    struct waiter;
    struct park_awaiter;
    using time_point = std::chrono::steady_clock::time_point;

    // A free slot now, or an empty one.
    slot try_take_slot() noexcept;
    // Queues `w` and returns when it holds a slot; throws when it times out or is cancelled.
    task<slot> wait_for_slot(waiter& w);
    // Makes the earliest-deadline waiter the timer's owner (waking it to arm the timer unless
    // it is `running`, the waiter whose code calls this); displaces a later owner.
    void ensure_timer(waiter* running) noexcept;
    // Times out every waiter whose deadline is at or before `now`.
    void expire_due(time_point now) noexcept;
    // Resumes `w` after its state changed (no-op if it is running or already woken).
    void wake(waiter& w) noexcept;
    // Takes `w` off the queue and the deadlines.
    void unlink(waiter& w) noexcept;

    // An idle connection that still works, or a new one connected within `limit`.
    task<lease> lease_for(slot place, std::chrono::milliseconds limit);
    void give_back(connection conn) noexcept;

    std::string conninfo_;
    pool_options options_;
    std::size_t free_slots_;
    // Waiters in arrival order (intrusive, nodes live in the acquire frames), and those with
    // a deadline by deadline. The owner of the one timer is always the earliest deadline.
    uio::detail::waiter_list<waiter> queue_;
    std::multimap<time_point, waiter*> deadlines_;
    waiter* timer_owner_ = nullptr;
    std::vector<connection> idle_;
    std::size_t made_ = 0;
    std::size_t discarded_ = 0;
};

}  // namespace uio::pg
