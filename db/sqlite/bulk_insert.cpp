// bulk_inserter: double buffering between the caller (filling a batch) and the worker
// (inserting the previous one), with at most one batch in flight.
#include "uio/db/sqlite/bulk_insert.hpp"

#include <sqlite3.h>

#include "uio/db/sqlite/error.hpp"
#include "uio/db/sqlite/quote.hpp"
#include "uio/db/sqlite/request.hpp"

namespace uio::sqlite {

namespace {

void rollback_if_held(detail::worker& w, std::uint64_t owner) noexcept {
    if (w.held_by() != owner) return;
    if (sqlite3* db = w.conn_or_null(); db && !sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    w.release(owner);
}

// Awaits one batch: ready when the worker is done with it.
struct batch_awaiter {
    detail::batch_state& state;
    bool await_ready() {
        std::lock_guard lock(state.mutex);
        return state.done;
    }
    bool await_suspend(std::coroutine_handle<> handle) {
        scheduler* loop = scheduler::current();
        if (!loop) detail::throw_no_scheduler();
        std::lock_guard lock(state.mutex);
        if (state.done) return false;
        state.waiter = handle;
        state.loop = loop;
        return true;
    }
    void await_resume() const noexcept {}
};

}  // namespace

bulk_inserter::bulk_inserter(detail::worker* w, std::uint64_t owner, std::shared_ptr<shared> s,
                             bulk_options options)
    : worker_(w),
      owner_(owner),
      shared_(std::move(s)),
      options_(options),
      batch_cells_(std::max<std::size_t>(options.batch_rows, 1) * shared_->width) {
    current_.reserve(batch_cells_);
}

bulk_inserter::bulk_inserter(bulk_inserter&& other) noexcept
    : worker_(other.worker_),
      owner_(other.owner_),
      shared_(std::move(other.shared_)),
      options_(other.options_),
      batch_cells_(other.batch_cells_),
      current_(std::move(other.current_)),
      in_flight_(std::move(other.in_flight_)),
      rows_added_(other.rows_added_),
      active_(std::exchange(other.active_, false)),
      failed_(other.failed_) {}

bulk_inserter::~bulk_inserter() {
    if (!active_) return;
    std::uint64_t owner = owner_;
    // Queued behind any batch still in flight (same owner, FIFO), which it keeps alive.
    worker_->submit(
        {[owner, batch = std::move(in_flight_)](detail::worker& w) { rollback_if_held(w, owner); },
         owner});
}

task<bulk_inserter> bulk_inserter::begin(detail::worker* w, std::string table,
                                         std::vector<std::string> columns, bulk_options options) {
    if (columns.empty()) throw error(SQLITE_MISUSE, "bulk insert into '" + table + "': no columns");
    auto s = std::make_shared<shared>();
    s->width = columns.size();
    s->sql = std::string(options.verb) + " INTO " + quote_identifier(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        s->sql += (i ? ", " : "") + quote_identifier(columns[i]);
    }
    s->sql += ") VALUES (";
    for (std::size_t i = 0; i < columns.size(); ++i) s->sql += i ? ", ?" : "?";
    s->sql += ")";

    std::uint64_t owner = w->next_owner();
    // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
    detail::request<void> beginning(w, owner, [owner, s, options](detail::worker& wk) {
        connection& c = wk.conn();
        if (options.bulk_pragmas) {
            c.exec_with("PRAGMA journal_mode = WAL", {});
            c.exec_with("PRAGMA synchronous = NORMAL", {});
        }
        c.exec_with("BEGIN IMMEDIATE", {});
        try {
            statement_lease check = c.prepare(s->sql);  // no such table/column: fail now
        } catch (...) {
            sqlite3_exec(c.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        wk.hold_for(owner);
    });
    co_await beginning;
    bulk_inserter inserter(w, owner, std::move(s), options);
    inserter.active_ = true;
    co_return inserter;
}

bulk_inserter::add_awaiter bulk_inserter::add_row(std::span<const value> row) {
    check_usable();
    if (row.size() != shared_->width) throw_width(row.size());
    current_.insert(current_.end(), row.begin(), row.end());
    ++rows_added_;
    return add_awaiter(this);
}

void bulk_inserter::check_usable() const {
    if (!active_) {
        throw error(SQLITE_MISUSE, failed_ ? "bulk insert failed earlier and was rolled back"
                                           : "bulk insert has ended");
    }
}

void bulk_inserter::throw_width(std::size_t given) const {
    throw error(SQLITE_RANGE,
                "bulk insert: " + std::to_string(given) + " values for " +
                    std::to_string(shared_->width) + " columns",
                shared_->sql);
}

void bulk_inserter::submit_current(bool final_commit) {
    auto state = std::make_shared<detail::batch_state>();
    state->cells = std::move(current_);
    current_ = {};
    if (!final_commit) current_.reserve(batch_cells_);
    in_flight_ = state;
    std::uint64_t owner = owner_;
    worker_->submit({[state, s = shared_, owner, final_commit](detail::worker& w) mutable {
                         try {
                             connection& c = w.conn();
                             statement_lease stmt = c.prepare(s->sql);
                             const std::vector<value>& cells = state->cells;
                             std::size_t rows = cells.size() / s->width;
                             for (std::size_t r = 0; r < rows; ++r) {
                                 const value* row = cells.data() + r * s->width;
                                 try {
                                     for (std::size_t i = 0; i < s->width; ++i) {
                                         stmt->bind(static_cast<int>(i + 1), row[i]);
                                     }
                                     stmt->step();
                                     stmt->rewind();
                                 } catch (const error& e) {
                                     throw error(e.extended_code(),
                                                 "bulk insert row " + std::to_string(s->inserted) +
                                                     ": " + e.message(),
                                                 s->sql);
                                 }
                                 ++s->inserted;
                             }
                             if (final_commit) {
                                 c.exec_with("COMMIT", {});
                                 w.release(owner);
                             }
                         } catch (...) {
                             state->error = std::current_exception();
                             rollback_if_held(w, owner);
                         }
                         // Drop our reference first: the caller's (or the rollback job's)
                         // keeps the state alive, and the last release, which frees the
                         // error, then happens on the caller's side.
                         // Nothing of the state is touched after the unlock: the caller
                         // may free it as soon as it sees `done`.
                         detail::batch_state* raw = state.get();
                         state.reset();
                         std::coroutine_handle<> waiter;
                         scheduler* loop = nullptr;
                         {
                             std::lock_guard lock(raw->mutex);
                             raw->done = true;
                             waiter = raw->waiter;
                             loop = raw->loop;
                         }
                         if (waiter) loop->post([waiter] { waiter.resume(); });
                     },
                     owner});
}

void bulk_inserter::collect_in_flight() {
    if (!in_flight_) return;
    std::shared_ptr<detail::batch_state> state = std::move(in_flight_);
    if (state->error) {
        active_ = false;  // the worker has rolled back and released
        failed_ = true;
        std::rethrow_exception(state->error);
    }
}

task<void> bulk_inserter::drain() {
    if (!in_flight_) co_return;
    co_await batch_awaiter{*in_flight_};
    collect_in_flight();
}

task<std::int64_t> bulk_inserter::commit() {
    check_usable();
    co_await drain();
    submit_current(true);
    co_await drain();
    active_ = false;
    co_return rows_added_;
}

bool bulk_inserter::add_awaiter::await_ready() {
    if (!owner_->batch_full()) return true;
    if (owner_->in_flight_) {
        if (!batch_awaiter{*owner_->in_flight_}.await_ready()) return false;
        owner_->collect_in_flight();
    }
    owner_->submit_current(false);
    return true;
}

bool bulk_inserter::add_awaiter::await_suspend(std::coroutine_handle<> handle) {
    return batch_awaiter{*owner_->in_flight_}.await_suspend(handle);
}

void bulk_inserter::add_awaiter::await_resume() {
    if (!owner_->batch_full()) return;  // handled in await_ready
    owner_->collect_in_flight();
    owner_->submit_current(false);
}

}  // namespace uio::sqlite
