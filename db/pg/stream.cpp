// connection::stream: a large result row by row in single-row mode, so memory stays
// constant whatever the row count. Each yielded row keeps its own one-row PGresult.
#include <poll.h>

#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/detail/driver.hpp"

namespace uio::pg {

async_generator<row> connection::stream_params(std::string sql, params values) {
    detail::driver& s = *s_;
    detail::op_guard guard(s);
    co_await s.prepare_for_op();
    std::exception_ptr failure;
    std::exception_ptr server_error;
    try {
        std::vector<const char*> pointers = values.pointers();
        if (!PQsendQueryParams(s.conn, sql.c_str(), static_cast<int>(pointers.size()), nullptr,
                               pointers.data(), nullptr, nullptr, 0)) {
            s.fail("cannot send the query");
        }
        if (!PQsetSingleRowMode(s.conn)) s.fail("cannot enter single-row mode");
        co_await s.flush();
        for (;;) {
            PGresult* r = co_await s.next_result();
            if (!r) break;
            ExecStatusType status = PQresultStatus(r);
            if (status == PGRES_SINGLE_TUPLE) {
                detail::result_ptr owned = detail::adopt(r);
                const pg_result* raw = owned.get();
                co_yield row(raw, 0, std::move(owned));
                s.arm_deadline();  // the deadline bounds each wait, not the consumer's time
            } else if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
                PQclear(r);
            } else {
                if (!server_error) {
                    server_error = std::make_exception_ptr(detail::error_from_result(r));
                }
                PQclear(r);
            }
        }
        guard.done();
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        co_await s.recover();
        guard.done();
        std::rethrow_exception(failure);
    }
    if (server_error) std::rethrow_exception(server_error);
}

}  // namespace uio::pg
