// transaction: a transaction spanning several awaits, RAII style. Rolled back unless
// committed: a transaction destroyed while active (an exception, a cancelled task) queues a
// ROLLBACK before anything else can run on the database.
//
//   auto tx = co_await db.begin();
//   co_await tx.execute("INSERT INTO orders VALUES (?, ?)", id, total);
//   auto stock = co_await tx.fetch_value<std::int64_t>("SELECT stock FROM items WHERE id = ?",
//   item); co_await tx.commit();
//
// While it is open the database runs this transaction's requests only: other tasks'
// requests wait (in order) until it ends, so they never land inside it. Hence: inside a
// transaction, use `tx`, not `db` — a request on `db` would wait for the transaction that
// waits for it. When the body needs no awaits in between, db.transaction(fn) is simpler.
//
// Lifetime: must not outlive its database. Belongs to the task that began it.
#pragma once

#include "uio/core/task.hpp"
#include "uio/db/sqlite/executor.hpp"

namespace uio::sqlite {

class transaction : public executor {
  public:
    transaction(transaction&& other) noexcept;
    transaction& operator=(transaction&&) = delete;
    ~transaction();

    bool active() const noexcept { return active_; }
    [[nodiscard]] task<void> commit();
    [[nodiscard]] task<void> rollback();

  private:
    friend class database;
    transaction(detail::worker* w, std::uint64_t owner) noexcept : executor(w, owner) {}
    // BEGIN IMMEDIATE and take the hold; the first request of the owner.
    static task<transaction> begin(detail::worker* w);
    task<void> finish(bool commit);

    bool active_ = false;
};

}  // namespace uio::sqlite
