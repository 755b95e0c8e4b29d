// bulk_inserter: double buffering between the caller (filling a batch) and the worker
// (inserting the previous one), with at most one batch in flight.
#include "uio/db/sqlite/bulk_insert.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string_view>

#include "uio/db/sqlite/detail/request.hpp"
#include "uio/db/sqlite/detail/worker.hpp"
#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite {

namespace {

// Puts back what begin() changed for the load (the page cache size).
void restore_settings(sqlite3* db, std::int64_t saved_cache, bool& restore) noexcept {
    if (!restore || !db) return;
    restore = false;
    std::string sql = "PRAGMA cache_size = " + std::to_string(saved_cache);
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
}

template <class Shared>
void rollback_if_held(detail::worker& w, std::uint64_t owner, Shared& s) noexcept {
    if (w.held_by() != owner) return;
    sqlite3* db = w.conn_or_null();
    if (db && !sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    restore_settings(db, s.saved_cache, s.restore_cache);
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
      batch_cells_(std::max<std::size_t>(options.batch_rows, 1) * shared_->insert.width()),
      current_(std::make_shared<detail::batch_state>()) {
    current_->cells.reserve(batch_cells_);
}

bulk_inserter::bulk_inserter(bulk_inserter&& other) noexcept
    : worker_(other.worker_),
      owner_(other.owner_),
      shared_(std::move(other.shared_)),
      options_(other.options_),
      batch_cells_(other.batch_cells_),
      current_(std::move(other.current_)),
      in_flight_(std::move(other.in_flight_)),
      spare_(std::move(other.spare_)),
      rows_added_(other.rows_added_),
      active_(std::exchange(other.active_, false)),
      failed_(other.failed_) {}

bulk_inserter::~bulk_inserter() {
    if (!active_) return;
    std::uint64_t owner = owner_;
    // Queued behind any batch still in flight (same owner, FIFO), which it keeps alive.
    worker_->submit({[owner, s = shared_, batch = std::move(in_flight_)](detail::worker& w) {
                         rollback_if_held(w, owner, *s);
                     },
                     owner});
}

task<bulk_inserter> bulk_inserter::begin(detail::worker* w, std::string table,
                                         std::vector<std::string> columns, bulk_options options) {
    if (columns.empty()) throw error(SQLITE_MISUSE, "bulk insert into '" + table + "': no columns");
    auto s = std::make_shared<shared>(
        row_insert(options.verb, table, columns, std::max<std::size_t>(options.group_rows, 1)));

    std::uint64_t owner = w->next_owner();
    // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
    detail::request<void> beginning(w, owner, [owner, s, options](detail::worker& wk) {
        blocking_connection& c = wk.conn();
        if (options.bulk_pragmas && options.cache_kib > 0) {
            s->saved_cache = c.fetch_params("PRAGMA cache_size", {})[0].get<std::int64_t>(0);
            s->restore_cache = true;
            // Negative: a size in KiB rather than in pages.
            c.execute_params("PRAGMA cache_size = -" + std::to_string(options.cache_kib), {});
        }
        try {
            c.execute_params("BEGIN IMMEDIATE", {});
            try {
                statement_lease check =
                    c.prepare(s->insert.sql());  // no such table/column: fail now
            } catch (...) {
                sqlite3_exec(c.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
                throw;
            }
        } catch (...) {
            restore_settings(c.handle(), s->saved_cache, s->restore_cache);
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
    if (row.size() != shared_->insert.width()) throw_width(row.size());
    for (const value& v : row) current_->cells.push(v);
    ++rows_added_;
    return add_awaiter(this);
}

bulk_inserter::add_awaiter bulk_inserter::add_row(
    std::span<const std::optional<std::string_view>> row) {
    check_usable();
    if (row.size() != shared_->insert.width()) throw_width(row.size());
    packed_rows& cells = current_->cells;
    for (const std::optional<std::string_view>& text : row) {
        if (text) {
            cells.push_text(*text);
        } else {
            cells.push_null();
        }
    }
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
                    std::to_string(shared_->insert.width()) + " columns",
                shared_->insert.sql());
}

void bulk_inserter::submit_current(bool final_commit) {
    std::shared_ptr<detail::batch_state> state = std::move(current_);
    in_flight_ = state;
    if (!final_commit) {
        // The next batch fills the spare buffers (the batch before last) if there are any.
        current_ = spare_ ? std::move(spare_) : std::make_shared<detail::batch_state>();
        current_->reset();
        current_->cells.reserve(batch_cells_);
    }
    std::uint64_t owner = owner_;
    worker_->submit(
        {[state, s = shared_, owner, final_commit](detail::worker& w) mutable {
             try {
                 blocking_connection& c = w.conn();
                 const packed_rows& cells = state->cells;
                 if (auto f = s->insert.insert(c, cells)) {
                     std::string where =
                         std::to_string(s->inserted + static_cast<std::int64_t>(f->row));
                     throw error(
                         f->code,
                         (f->transaction_lost ? "bulk insert rows from " : "bulk insert row ") +
                             where + ": " + f->message,
                         s->insert.sql());
                 }
                 s->inserted += static_cast<std::int64_t>(cells.cells() / s->insert.width());
                 if (final_commit) {
                     c.execute_params("COMMIT", {});
                     restore_settings(c.handle(), s->saved_cache, s->restore_cache);
                     w.release(owner);
                 }
             } catch (...) {
                 state->error = std::current_exception();
                 rollback_if_held(w, owner, *s);
             }
             // Drop our reference first: the caller's (or the rollback job's)
             // keeps the state alive, and the last release, which frees the
             // error, then happens on the caller's side.
             // Nothing of the state is touched after the unlock: the caller
             // may free or reuse it as soon as it sees `done`.
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
    spare_ = std::move(state);  // its buffers serve the batch after next
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
