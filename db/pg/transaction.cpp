// transaction: COMMIT / ROLLBACK, and the deferred rollback of an abandoned transaction.
#include "uio/db/pg/transaction.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/detail/driver.hpp"

namespace uio::pg {

namespace {
// The session alone: finish() runs COMMIT or ROLLBACK through it after the transaction object
// has let go, so that a failure leaves nothing for the destructor to mark.
class bare_session : public executor {
  public:
    explicit bare_session(detail::driver* s) noexcept : executor(s) {}
};
}  // namespace

transaction::transaction(connection& conn) noexcept : executor(&detail::driver_access::of(conn)) {}

transaction::transaction(transaction&& other) noexcept
    : executor(std::exchange(other.driver_, nullptr)) {}

transaction& transaction::operator=(transaction&& other) noexcept {
    if (this != &other) {
        abandon();
        driver_ = std::exchange(other.driver_, nullptr);
    }
    return *this;
}

transaction::~transaction() {
    abandon();
}

void transaction::abandon() noexcept {
    // Cannot co_await here: the connection rolls back before its next operation.
    if (detail::driver* s = std::exchange(driver_, nullptr)) s->needs_rollback = true;
}

task<void> transaction::commit() {
    return finish("COMMIT");
}

task<void> transaction::rollback() {
    return finish("ROLLBACK");
}

task<void> transaction::finish(const char* command) {
    if (!driver_) throw std::logic_error("uio::pg::transaction: already finished");
    detail::driver& s = *std::exchange(driver_, nullptr);
    bare_session session(&s);
    try {
        std::string sql = command;
        co_await session.execute(std::move(sql));
        co_return;
    } catch (...) {
        if (s.conn && PQtransactionStatus(s.conn) != PQTRANS_IDLE) s.needs_rollback = true;
        throw;
    }
}

}  // namespace uio::pg
