// pg::transaction: BEGIN ... COMMIT as an RAII object. It rolls back unless committed:
//
//   auto tx = co_await conn.begin();
//   co_await conn.execute("update accounts set balance = balance - $1 where id = $2", 10, 1);
//   co_await tx.commit();
//
// A destructor cannot co_await, so a transaction dropped without commit() or rollback()
// (an exception, a cancelled task) marks its connection: the connection sends ROLLBACK before
// its next operation, and a pool never hands the open transaction to someone else. The
// connection must outlive the transaction object.
#pragma once

#include <string>

#include "uio/core/task.hpp"

namespace uio::pg {

class connection;

class [[nodiscard]] transaction {
  public:
    transaction() = default;
    explicit transaction(connection& conn) noexcept : conn_(&conn) {}
    transaction(transaction&& other) noexcept;
    transaction& operator=(transaction&& other) noexcept;
    ~transaction();

    [[nodiscard("must co_await commit()")]] task<void> commit();
    [[nodiscard("must co_await rollback()")]] task<void> rollback();
    bool is_open() const noexcept { return conn_ != nullptr; }

  private:
    void abandon() noexcept;
    connection* conn_ = nullptr;
};

}  // namespace uio::pg
