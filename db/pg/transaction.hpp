// pg::transaction: BEGIN ... COMMIT as an RAII object, and an executor (executor.hpp) as
// sqlite::transaction is: the same execute / fetch / fetch_value / fetch_row calls as on the
// connection, run inside the transaction. It rolls back unless committed:
//
//   auto tx = co_await conn.begin();
//   co_await tx.execute("update accounts set balance = balance - $1 where id = $2", 10, 1);
//   co_await tx.commit();
//
// The transaction is the connection's session: a call on the connection while it is open
// runs inside it too (PostgreSQL's transactions belong to the session, not to an object), and
// stream, copy_in and the other connection-only calls are made on the connection.
//
// A destructor cannot co_await, so a transaction dropped without commit() or rollback()
// (an exception, a cancelled task) marks its connection: the connection sends ROLLBACK before
// its next operation, and a pool never hands the open transaction to someone else. Calls on a
// finished transaction throw std::logic_error. The connection must outlive the transaction
// object.
#pragma once

#include <string>

#include "uio/core/task.hpp"
#include "uio/db/pg/executor.hpp"

namespace uio::pg {

class connection;

class [[nodiscard]] transaction : public executor {
  public:
    transaction() = default;
    explicit transaction(connection& conn) noexcept;
    transaction(transaction&& other) noexcept;
    transaction& operator=(transaction&& other) noexcept;
    ~transaction();

    [[nodiscard("must co_await commit()")]] task<void> commit();
    [[nodiscard("must co_await rollback()")]] task<void> rollback();
    bool is_open() const noexcept { return driver_ != nullptr; }

  private:
    void abandon() noexcept;
    // COMMIT or ROLLBACK; if it is interrupted while the server may still be in the
    // transaction, the connection rolls back before its next operation.
    task<void> finish(const char* command);
};

}  // namespace uio::pg
