// connection::notifications: LISTEN/NOTIFY as an async generator. The connection stays
// idle while we wait, so a consumer that stops (or is stopped) leaves it clean.
#include <poll.h>

#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/detail/driver.hpp"

namespace uio::pg {

async_generator<notification> connection::notifications() {
    detail::driver& s = *s_;
    detail::op_guard guard(s);
    co_await s.prepare_for_op();
    s.deadline = detail::clock::time_point::max();  // waiting for NOTIFY is not a query
    guard.done();  // nothing is in flight: leaving at any point leaves the connection idle
    for (;;) {
        // Deliver what libpq has already parsed (also during earlier queries) first.
        while (PGnotify* n = PQnotifies(s.conn)) {
            notification note{n->relname ? n->relname : "", n->extra ? n->extra : "", n->be_pid};
            PQfreemem(n);
            co_yield std::move(note);
        }
        co_await s.wait(POLLIN);
        if (!PQconsumeInput(s.conn)) s.fail("cannot read from the server");
    }
}

}  // namespace uio::pg
