// transaction: BEGIN/COMMIT/ROLLBACK as requests of the hold's owner, and the queued rollback
// of a transaction dropped while active.
#include "uio/db/sqlite/transaction.hpp"

#include <sqlite3.h>

#include "uio/db/sqlite/detail/worker.hpp"

namespace uio::sqlite {

transaction::transaction(transaction&& other) noexcept
    : executor(other.worker_, other.owner_), active_(std::exchange(other.active_, false)) {}

transaction::~transaction() {
    if (!active_) return;
    std::uint64_t owner = owner_;
    worker_->submit({[owner](detail::worker& w) {
                         if (w.held_by() != owner) return;
                         if (sqlite3* db = w.conn_or_null()) {
                             if (!sqlite3_get_autocommit(db)) {
                                 sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
                             }
                         }
                         w.release(owner);
                     },
                     owner});
}

task<transaction> transaction::begin(detail::worker* w) {
    transaction tx(w, w->next_owner());
    std::uint64_t owner = tx.owner_;
    // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
    detail::request<void> beginning(w, owner, [owner](detail::worker& wk) {
        wk.conn().execute_params("BEGIN IMMEDIATE", {});
        wk.hold_for(owner);
    });
    co_await beginning;
    tx.active_ = true;
    co_return tx;
}

task<void> transaction::commit() {
    return finish(true);
}

task<void> transaction::rollback() {
    return finish(false);
}

task<void> transaction::finish(bool commit) {
    if (!active_) {
        throw error(SQLITE_MISUSE, "the transaction has already ended");
    }
    active_ = false;  // whatever happens next, the worker ends it
    std::uint64_t owner = owner_;
    detail::request<void> ending(worker_, owner, [owner, commit](detail::worker& w) {
        struct releaser {
            detail::worker& w;
            std::uint64_t owner;
            ~releaser() { w.release(owner); }
        } release_on_exit{w, owner};
        blocking_connection& c = w.conn();
        if (!c.in_transaction()) {
            if (commit) {
                throw error(SQLITE_ERROR,
                            "the transaction was rolled back by SQLite after an earlier error");
            }
            return;
        }
        if (commit) {
            try {
                c.execute_params("COMMIT", {});
            } catch (...) {
                if (c.in_transaction()) {
                    sqlite3_exec(c.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
                }
                throw;
            }
        } else {
            c.execute_params("ROLLBACK", {});
        }
    });
    co_await ending;
}

}  // namespace uio::sqlite
