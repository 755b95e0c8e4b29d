// pool: slots are a counter and a FIFO of waiters; waiters with deadlines share one timer,
// slept on by the earliest of them. Connections are made lazily, checked on the way out and
// on the way back in.
#include "uio/db/pg/pool.hpp"

#include <coroutine>

#include "uio/core/detail/parked_wait.hpp"
#include "uio/core/errors.hpp"
#include "uio/core/scheduler.hpp"
#include "uio/core/stop_scope.hpp"
#include "uio/db/pg/detail/driver.hpp"
#include "uio/uring/kernel_timespec.hpp"
#include "uio/uring/operations.hpp"

namespace uio::pg {

// One acquire() waiting for a slot; lives in its frame, and in the pool's queue until it is
// granted, times out or is cancelled. It parks (parked_wait) whenever it is not the one
// sleeping on the timer. Loop thread only.
struct pool::waiter final : uio::detail::parked_wait, uio::detail::waiter_list<waiter>::hook {
    enum class state : unsigned char { waiting, granted, timed_out, cancelled };

    waiter(pool* p, time_point d, bool has_deadline) noexcept
        : owner(p), deadline(d), timed(has_deadline) {}
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;
    ~waiter() = default;

    // A stop request while parked: leave the queue, resume with operation_canceled.
    void cancel() noexcept override {
        owner->unlink(*this);
        st = state::cancelled;
        resume_cancelled();
    }

    pool* owner;
    time_point deadline;
    bool timed;
    state st = state::waiting;
    io_operation* timer = nullptr;  // while sleeping on the pool's timer for everyone
    std::multimap<time_point, waiter*>::iterator by_deadline{};
    bool in_deadlines = false;
};

// Suspends a waiter until wake() (granted, timed out, told to take the timer) or cancel().
struct pool::park_awaiter {
    waiter& w;
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
        if (w.park(handle)) return true;
        w.owner->unlink(w);  // stopped already
        w.st = waiter::state::cancelled;
        return false;
    }
    void await_resume() const {
        if (w.st == waiter::state::cancelled) throw_cancelled();
    }
};

pool::pool(std::string conninfo, pool_options options)
    : conninfo_(std::move(conninfo)), options_(options), free_slots_(options.size) {
    if (options_.size == 0) throw std::invalid_argument("uio::pg::pool: size must be at least 1");
}

pool::~pool() = default;

pool::slot pool::try_take_slot() noexcept {
    if (free_slots_ == 0 || !queue_.empty()) return slot();  // FIFO: no overtaking waiters
    --free_slots_;
    return slot(this);
}

void pool::release_slot() noexcept {
    waiter* w = queue_.front();
    if (w == nullptr) {
        ++free_slots_;
        return;
    }
    unlink(*w);
    w->st = waiter::state::granted;
    wake(*w);
}

void pool::unlink(waiter& w) noexcept {
    queue_.remove(&w);
    if (w.in_deadlines) {
        deadlines_.erase(w.by_deadline);
        w.in_deadlines = false;
    }
}

void pool::wake(waiter& w) noexcept {
    if (w.timer) {  // sleeping on the timer: cut the sleep short, it resumes from the CQE
        std::exchange(w.timer, nullptr)->cancel();
        return;
    }
    w.wake();  // a no-op if it is running now, or already woken: it will see its new state
}

void pool::ensure_timer(waiter* running) noexcept {
    if (deadlines_.empty()) return;
    waiter* earliest = deadlines_.begin()->second;
    if (timer_owner_ == earliest) return;
    if (timer_owner_ != nullptr) {
        // An earlier deadline arrived: the old owner's sleep ends, and it parks again.
        waiter* old = std::exchange(timer_owner_, nullptr);
        if (old->timer) std::exchange(old->timer, nullptr)->cancel();
    }
    timer_owner_ = earliest;
    if (earliest != running) wake(*earliest);
}

void pool::expire_due(time_point now) noexcept {
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        waiter& w = *deadlines_.begin()->second;
        unlink(w);
        w.st = waiter::state::timed_out;
        wake(w);
    }
}

task<pool::slot> pool::wait_for_slot(waiter& w) {
    if (w.timed) {
        w.by_deadline = deadlines_.emplace(w.deadline, &w);
        w.in_deadlines = true;
    }
    queue_.push_back(&w);

    // However this ends (a slot, a timeout, a cancel, an exception), leave the queue and, if
    // we held the timer, hand it to the next earliest deadline.
    struct leave_guard {
        pool* p;
        waiter* w;
        bool taken = false;
        ~leave_guard() {
            p->unlink(*w);
            if (p->timer_owner_ == w) p->timer_owner_ = nullptr;
            p->ensure_timer(nullptr);
            // A slot granted to a waiter that failed anyway (a stop request that arrived
            // while its timer sleep was being cut short) goes to the next one.
            if (w->st == waiter::state::granted && !taken) p->release_slot();
        }
    } guard{this, &w};

    ensure_timer(&w);
    while (w.st == waiter::state::waiting) {
        if (timer_owner_ != &w) {
            co_await park_awaiter{w};
            continue;
        }
        // This waiter sleeps for everyone until its own (the earliest) deadline.
        auto left = w.deadline - std::chrono::steady_clock::now();
        if (left > std::chrono::nanoseconds::zero()) {
            __kernel_timespec ts = to_kernel_timespec(left);
            auto sleep = uio::timeout(&ts);
            w.timer = &sleep;
            try {
                co_await sleep;  // -ETIME when it expires, -ECANCELED when cut short
            } catch (...) {
                w.timer = nullptr;
                throw;
            }
            w.timer = nullptr;
        }
        expire_due(std::chrono::steady_clock::now());
        if (timer_owner_ == &w) {
            timer_owner_ = nullptr;
            ensure_timer(&w);  // the next earliest arms it (or we do again, on the next turn)
        }
    }
    if (w.st == waiter::state::timed_out)
        throw_timed_out("uio::pg::pool: no connection free in time");
    if (w.st == waiter::state::cancelled) throw_cancelled();
    guard.taken = true;
    co_return slot(this);
}

task<pool::lease> pool::acquire() {
    slot place = try_take_slot();
    if (!place) {
        waiter w(this, time_point::max(), false);
        place = co_await wait_for_slot(w);
    }
    co_return co_await lease_for(std::move(place), options_.connect_timeout);
}

task<pool::lease> pool::acquire(std::chrono::milliseconds timeout) {
    auto start = std::chrono::steady_clock::now();
    slot place = try_take_slot();
    if (!place) {
        waiter w(this, start + timeout, true);
        try {
            place = co_await wait_for_slot(w);
        } catch (const std::system_error& e) {
            if (e.code() != std::errc::timed_out) throw;
            throw std::system_error(e.code(), "uio::pg::pool: no connection free within " +
                                                  std::to_string(timeout.count()) + " ms (" +
                                                  std::to_string(options_.size) + " in use)");
        }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        timeout - (std::chrono::steady_clock::now() - start));
    co_return co_await lease_for(
        std::move(place),
        std::min(options_.connect_timeout, std::max(left, std::chrono::milliseconds(1))));
}

task<pool::lease> pool::lease_for(slot place, std::chrono::milliseconds limit) {
    while (!idle_.empty()) {
        connection conn = std::move(idle_.back());
        idle_.pop_back();
        if (conn.is_reusable() && !detail::driver_access::of(conn).looks_dead()) {
            co_return lease(this, std::move(conn), std::move(place));
        }
        ++discarded_;
    }
    connection conn = co_await connection::connect(conninfo_, limit, options_.connection);
    ++made_;
    co_return lease(this, std::move(conn), std::move(place));
}

void pool::give_back(connection conn) noexcept {
    detail::driver* s = conn.is_open() ? &detail::driver_access::of(conn) : nullptr;
    if (!s || s->busy || s->dirty || !s->is_idle()) {  // broken, or not idle after a cancel
        ++discarded_;
        return;
    }
    // A transaction left open outside a transaction object: roll it back on next use.
    if (PQtransactionStatus(conn.native()) != PQTRANS_IDLE)
        detail::driver_access::of(conn).needs_rollback = true;
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
        slot_ = std::move(other.slot_);
    }
    return *this;
}

pool::lease::~lease() {
    release();
}

void pool::lease::release() noexcept {
    if (pool* owner = std::exchange(owner_, nullptr)) {
        owner->give_back(std::move(conn_));
        slot_.reset();
    }
}

}  // namespace uio::pg
