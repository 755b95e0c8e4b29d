// transaction: COMMIT / ROLLBACK, and the deferred rollback of an abandoned transaction.
#include "uio/db/pg/transaction.hpp"

#include <utility>

#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/detail/driver.hpp"

namespace uio::pg {

transaction::transaction(transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

transaction& transaction::operator=(transaction&& other) noexcept {
    if (this != &other) {
        abandon();
        conn_ = std::exchange(other.conn_, nullptr);
    }
    return *this;
}

transaction::~transaction() {
    abandon();
}

void transaction::abandon() noexcept {
    // Cannot co_await here: the connection rolls back before its next operation.
    if (connection* c = std::exchange(conn_, nullptr))
        detail::driver_access::of(*c).needs_rollback = true;
}

task<void> transaction::commit() {
    if (!conn_) throw std::logic_error("uio::pg::transaction: already finished");
    connection* c = std::exchange(conn_, nullptr);
    // If COMMIT is interrupted the server may still be in the transaction: roll back then.
    try {
        co_await c->execute("COMMIT");
        co_return;
    } catch (...) {
        if (PQtransactionStatus(c->native()) != PQTRANS_IDLE)
            detail::driver_access::of(*c).needs_rollback = true;
        throw;
    }
}

task<void> transaction::rollback() {
    if (!conn_) throw std::logic_error("uio::pg::transaction: already finished");
    connection* c = std::exchange(conn_, nullptr);
    try {
        co_await c->execute("ROLLBACK");
        co_return;
    } catch (...) {
        if (c->native() && PQtransactionStatus(c->native()) != PQTRANS_IDLE) {
            detail::driver_access::of(*c).needs_rollback = true;
        }
        throw;
    }
}

}  // namespace uio::pg
