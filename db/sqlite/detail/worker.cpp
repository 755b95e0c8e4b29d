// worker: the queue, the hold rule, and an orderly shutdown.
#include "uio/db/sqlite/detail/worker.hpp"

#include <sqlite3.h>

#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite::detail {

worker::worker() : thread_([this] { loop(); }) {}

worker::~worker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void worker::submit(job j) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(j));
    }
    wake_.notify_one();
}

void worker::open(const std::string& path, const open_options& options) {
    connection_.emplace(blocking_connection::open(path, options));
}

void submit(worker& w, std::function<void(worker&)> run, std::uint64_t owner) {
    w.submit({std::move(run), owner});
}

blocking_connection& connection_of(worker& w) {
    return w.conn();
}

blocking_connection& worker::conn() {
    if (!connection_) throw error(SQLITE_MISUSE, "the database is closed");
    return *connection_;
}

void worker::release(std::uint64_t owner) noexcept {
    if (held_by_ != owner) return;
    held_by_ = 0;
    // What waited for the hold goes first, in its original order.
    std::lock_guard lock(mutex_);
    while (!deferred_.empty()) {
        queue_.push_front(std::move(deferred_.back()));
        deferred_.pop_back();
    }
}

void worker::loop() {
    for (;;) {
        job next;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) break;  // stopping, and everything queued has run
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        if (held_by_ != 0 && next.owner != held_by_) {
            deferred_.push_back(std::move(next));
            continue;
        }
        next.run(*this);
    }
    // Owners release before the database can be destroyed, so a hold open here means one
    // leaked: undo its transaction and run what waited for it.
    if (held_by_ != 0 && connection_ && connection_->in_transaction()) {
        sqlite3_exec(connection_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    held_by_ = 0;
    for (job& j : deferred_) j.run(*this);
    deferred_.clear();
    connection_.reset();
}

}  // namespace uio::sqlite::detail
