// worker: the one thread that owns a database's SQLite connection. Requests arrive from any
// loop thread in a FIFO and run one at a time, in order; each resumes its caller through the
// caller's own scheduler (the mechanism core/offload.hpp uses), never inline.
//
// Exclusive holds: a multi-request transaction or bulk insert holds the worker for its owner
// id between its first and last request. Requests of other owners that arrive meanwhile
// wait in `deferred_` (in arrival order) so they never run inside someone else's
// transaction; they run as soon as the hold is released.
//
// Internal to db/sqlite (not installed): public headers name it only as an incomplete type.
//
// Threads: submit() and next_owner() from any thread; everything else, and the connection,
// on the worker thread only. Destruction runs what is queued, closes the connection on the
// worker thread and joins it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "uio/db/sqlite/blocking_connection.hpp"
#include "uio/db/sqlite/detail/request.hpp"

namespace uio::sqlite::detail {

class worker {
  public:
    struct job {
        std::function<void(worker&)> run;  // must not throw
        std::uint64_t owner = 0;           // the hold this job belongs to; 0: none
    };

    worker();
    ~worker();
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    void submit(job j);
    std::uint64_t next_owner() noexcept { return owner_counter_.fetch_add(1) + 1; }

    // Worker thread only.
    void open(const std::string& path, const open_options& options);
    void close() noexcept { connection_.reset(); }
    blocking_connection& conn();  // throws sqlite::error (SQLITE_MISUSE) once closed
    sqlite3* conn_or_null() noexcept { return connection_ ? connection_->handle() : nullptr; }
    void hold_for(std::uint64_t owner) noexcept { held_by_ = owner; }
    std::uint64_t held_by() const noexcept { return held_by_; }
    void release(std::uint64_t owner) noexcept;

  private:
    void loop();

    // Any thread, under mutex_.
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> queue_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> owner_counter_{0};

    // Worker thread only.
    std::optional<blocking_connection> connection_;
    std::deque<job> deferred_;
    std::uint64_t held_by_ = 0;

    std::thread thread_;  // last: started after everything above exists
};

}  // namespace uio::sqlite::detail
