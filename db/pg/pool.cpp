// pool: slots are a semaphore; connections are made lazily, checked on the way out and on
// the way back in.
#include "uio/db/pg/pool.hpp"

#include "uio/db/pg/session.hpp"
#include "uio/uring/timeout.hpp"

namespace uio::pg {

namespace {
task<semaphore::permit> take_slot(semaphore& slots) {
    co_return co_await slots.acquire();
}
}  // namespace

pool::pool(std::string conninfo, pool_options options)
    : conninfo_(std::move(conninfo)), options_(options), slots_(options.size) {
    if (options_.size == 0) throw std::invalid_argument("uio::pg::pool: size must be at least 1");
}

pool::~pool() = default;

task<pool::lease> pool::acquire() {
    semaphore::permit permit = slots_.try_acquire();
    if (!permit) permit = co_await slots_.acquire();
    co_return co_await lease_for(std::move(permit), options_.connect_timeout);
}

task<pool::lease> pool::acquire(std::chrono::milliseconds timeout) {
    auto start = detail::clock::now();
    semaphore::permit permit = slots_.try_acquire();
    if (!permit) {
        try {
            permit = co_await with_timeout(take_slot(slots_), timeout);
        } catch (const std::system_error& e) {
            if (e.code() != std::errc::timed_out) throw;
            throw std::system_error(e.code(), "uio::pg::pool: no connection free within " +
                                                  std::to_string(timeout.count()) + " ms (" +
                                                  std::to_string(options_.size) + " in use)");
        }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        timeout - (detail::clock::now() - start));
    co_return co_await lease_for(
        std::move(permit),
        std::min(options_.connect_timeout, std::max(left, std::chrono::milliseconds(1))));
}

task<pool::lease> pool::lease_for(semaphore::permit permit, std::chrono::milliseconds limit) {
    while (!idle_.empty()) {
        connection conn = std::move(idle_.back());
        idle_.pop_back();
        if (conn.is_reusable() && !conn.session().looks_dead()) {
            co_return lease(this, std::move(conn), std::move(permit));
        }
        ++discarded_;
    }
    connection conn = co_await connection::connect(conninfo_, limit, options_.connection);
    ++made_;
    co_return lease(this, std::move(conn), std::move(permit));
}

void pool::give_back(connection conn) noexcept {
    detail::session* s = conn.is_open() ? &conn.session() : nullptr;
    if (!s || s->busy || s->dirty || !s->is_idle()) {  // broken, or not idle after a cancel
        ++discarded_;
        return;
    }
    // A transaction left open outside a transaction object: roll it back on next use.
    if (PQtransactionStatus(conn.native()) != PQTRANS_IDLE) conn.session().needs_rollback = true;
    try {
        idle_.push_back(std::move(conn));
    } catch (...) {
        ++discarded_;
    }
}

pool::lease& pool::lease::operator=(lease&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        conn_ = std::move(other.conn_);
        permit_ = std::move(other.permit_);
    }
    return *this;
}

pool::lease::~lease() {
    release();
}

void pool::lease::release() noexcept {
    if (pool* owner = std::exchange(owner_, nullptr)) {
        owner->give_back(std::move(conn_));
        permit_.reset();
    }
}

}  // namespace uio::pg
