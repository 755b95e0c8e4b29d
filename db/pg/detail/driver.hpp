// detail::driver: one libpq connection and the rules for driving it from the ring. Every
// wait is a one-shot io_uring poll on PQsocket(), re-armed (and the socket re-read) on each
// wake-up; libpq's socket is never read or written by the ring itself.
//
//   flush()        sends libpq's output buffer; while it would block, waits for POLLIN|POLLOUT
//                  and consumes input when readable, so a server that is writing to us can
//                  never deadlock against our write.
//   next_result()  waits (readable, PQconsumeInput) while PQisBusy, then PQgetResult: never
//                  a PQgetResult that could block.
//   recover()      after an interrupted operation (stop request, deadline, abandoned
//                  generator): sends a cancel (PQcancel blocks: through offload) and drains
//                  the connection back to idle under a fresh stop scope and its own
//                  deadline; if that fails the driver is marked broken.
//
// Internal to db/pg and not installed (it needs <libpq-fe.h>); connection reaches it through
// driver_access.
//
// Threads: a driver belongs to the loop thread that connected it. One operation at a time
// (op_guard enforces it); pipelines, pools and several connections give concurrency.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <unordered_map>

#include "uio/core/task.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/uring/operations.hpp"

namespace uio::pg::detail {

using clock = std::chrono::steady_clock;

class driver {
  public:
    driver() = default;
    driver(const driver&) = delete;
    driver& operator=(const driver&) = delete;
    ~driver();

    PGconn* conn = nullptr;
    std::string redacted;  // the conninfo without passwords, for messages

    // State between operations (loop thread only).
    bool busy = false;            // an operation (or pipeline, or generator) is running
    bool dirty = false;           // an operation stopped with results unread: recover first
    bool needs_rollback = false;  // a transaction object ended without commit/rollback
    bool broken = false;          // unusable: the socket is gone or recovery failed
    bool unnamed_statements = false;
    std::unordered_map<std::string, std::string> statements;  // name → SQL (unnamed mode)

    // Pipeline bookkeeping (pipeline.cpp, drain()).
    std::uint64_t unsynced = 0;       // queries sent since the last PQpipelineSync
    std::uint64_t pending_syncs = 0;  // syncs whose PGRES_PIPELINE_SYNC is still to be read

    // Deadlines: `deadline` bounds every wait of the running operation.
    std::chrono::nanoseconds query_timeout{0};  // 0: none
    std::chrono::nanoseconds drain_timeout = std::chrono::seconds(5);
    clock::time_point deadline = clock::time_point::max();
    void arm_deadline() noexcept {
        deadline =
            query_timeout.count() > 0 ? clock::now() + query_timeout : clock::time_point::max();
    }

    // One wait on the socket for `events`, bounded by `deadline`; yields the ready mask.
    // Throws timed_out past the deadline, pg::error when the socket is gone.
    task<int> wait(unsigned events);
    task<void> flush();
    // flush() for COPY FROM: stops early (returns true) when the server has sent an error.
    task<bool> flush_watching_for_error();
    task<PGresult*> next_result();
    // Reads every result of the current command until libpq is idle; returns the last
    // good one or throws the first error. COPY states are ended and skipped.
    task<PGresult*> collect();
    // Reads and discards the rest of a COPY TO STDOUT; false when libpq reports it failed.
    task<bool> skip_copy_out();

    // True when the server has something for us that is an ErrorResponse or the end of
    // the connection, without consuming it (MSG_PEEK). Used while we stream COPY data.
    bool server_error_waiting() const noexcept;
    // An idle connection that the server has closed (or is closing) since it was used.
    bool looks_dead() const noexcept;

    task<void> send_cancel();
    task<void> drain();
    task<void> cancel_and_drain();
    task<void> recover();
    // Before each operation: finish what an earlier one left (drain, rollback), set the
    // deadline.
    task<void> prepare_for_op();
    [[noreturn]] void fail(const std::string& what);
    bool is_idle() const noexcept;
};

// A connection's driver, for the parts of db/pg beside connection (pipelines, pools,
// transactions); not part of the public API.
struct driver_access {
    static driver& of(const connection& c) noexcept { return *c.s_; }
    static connection wrap(std::unique_ptr<driver> s) noexcept { return connection(std::move(s)); }
};

// Marks the driver busy for one operation. done() says the driver is clean again; a
// guard destroyed before done() (an abandoned generator) marks it dirty.
class op_guard {
  public:
    explicit op_guard(driver& s);
    op_guard(const op_guard&) = delete;
    op_guard& operator=(const op_guard&) = delete;
    ~op_guard();
    void done() noexcept { done_ = true; }

  private:
    driver& s_;
    bool done_ = false;
};

// Runs `work` as one operation of `s`: prepares the driver, and on failure other than a
// server error recovers it (cancel + drain) before rethrowing.
template <class T>
task<T> guarded(driver& s, task<T> work) {
    op_guard guard(s);
    co_await s.prepare_for_op();
    std::exception_ptr failure;
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(work);
            guard.done();
            co_return;
        } else {
            T value = co_await std::move(work);
            guard.done();
            co_return value;
        }
    } catch (...) {
        failure = std::current_exception();
    }
    co_await s.recover();
    guard.done();
    std::rethrow_exception(failure);
}

}  // namespace uio::pg::detail
