// Driving one libpq connection from the ring: waits, flushing, reading results, and putting
// an interrupted connection back to idle (cancel through offload, then drain).
#include "uio/db/pg/detail/driver.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <memory>
#include <stdexcept>

#include "uio/core/offload.hpp"
#include "uio/db/pg/error.hpp"

namespace uio::pg::detail {

driver::~driver() {
    if (conn) PQfinish(conn);
}

void driver::fail(const std::string& what) {
    if (!conn || PQstatus(conn) != CONNECTION_OK) broken = true;
    throw_connection_error(conn, what + " (" + redacted + ")");
}

bool driver::is_idle() const noexcept {
    return conn && PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_ACTIVE &&
           PQpipelineStatus(conn) == PQ_PIPELINE_OFF;
}

task<int> driver::wait(unsigned events) {
    // Re-read the socket on every wait: libpq may have closed or replaced it.
    int fd = conn ? PQsocket(conn) : -1;
    if (fd < 0) fail("connection lost");
    int rc = 0;
    if (deadline == clock::time_point::max()) {
        rc = co_await uio::poll(fd, events);
    } else {
        auto left = deadline - clock::now();
        if (left <= clock::duration::zero()) throw_timed_out("PostgreSQL operation timed out");
        rc = co_await uio::poll(fd, events).with_deadline(left);
    }
    if (rc == -ETIME) throw_timed_out("PostgreSQL operation timed out");
    if (rc < 0) throw_errno(rc, "poll on the PostgreSQL socket");
    co_return rc;
}

task<void> driver::flush() {
    for (;;) {
        int rc = PQflush(conn);
        if (rc == 0) co_return;
        if (rc < 0) fail("cannot send to the server");
        // Keep read interest armed while our output is stuck: the server may be blocked
        // writing results to us, and only reading lets it go on.
        int ready = co_await wait(POLLIN | POLLOUT);
        if ((ready & (POLLIN | POLLHUP | POLLERR)) && !PQconsumeInput(conn)) {
            fail("cannot read from the server");
        }
    }
}

task<bool> driver::flush_watching_for_error() {
    for (;;) {
        if (server_error_waiting()) co_return true;
        int rc = PQflush(conn);
        if (rc == 0) co_return false;
        if (rc < 0) fail("cannot send COPY data to the server");
        int ready = co_await wait(POLLIN | POLLOUT);
        if (ready & (POLLIN | POLLHUP | POLLERR)) {
            if (server_error_waiting()) co_return true;
            if (!PQconsumeInput(conn)) fail("cannot read from the server");  // a notice
        }
    }
}

task<PGresult*> driver::next_result() {
    while (PQisBusy(conn)) {
        co_await wait(POLLIN);
        if (!PQconsumeInput(conn)) fail("cannot read from the server");
    }
    co_return PQgetResult(conn);
}

task<bool> driver::skip_copy_out() {
    for (;;) {
        char* data = nullptr;
        int n = PQgetCopyData(conn, &data, 1);
        if (n > 0) {
            PQfreemem(data);
        } else if (n == 0) {
            co_await wait(POLLIN);
            if (!PQconsumeInput(conn)) fail("cannot read from the server");
        } else {
            co_return n == -1;  // -1: the COPY ended; -2: it failed
        }
    }
}

task<PGresult*> driver::collect() {
    std::unique_ptr<PGresult, void (*)(PGresult*)> good(nullptr, PQclear);
    std::exception_ptr first_error;
    for (;;) {
        PGresult* r = co_await next_result();
        if (!r) break;
        switch (PQresultStatus(r)) {
            case PGRES_COPY_IN:
                PQclear(r);
                if (PQputCopyEnd(conn, "COPY FROM STDIN needs connection::copy_in") < 0) {
                    fail("cannot end COPY");
                }
                co_await flush();
                continue;
            case PGRES_COPY_OUT:
                PQclear(r);
                if (!co_await skip_copy_out()) fail("COPY TO STDOUT failed");
                continue;
            case PGRES_FATAL_ERROR:
            case PGRES_NONFATAL_ERROR:
            case PGRES_BAD_RESPONSE:
                if (!first_error) first_error = std::make_exception_ptr(error_from_result(r));
                PQclear(r);
                continue;
            default:
                good.reset(r);
        }
    }
    if (first_error) std::rethrow_exception(first_error);
    if (PQstatus(conn) != CONNECTION_OK) fail("connection lost");
    co_return good.release();
}

bool driver::server_error_waiting() const noexcept {
    int fd = PQsocket(conn);
    if (fd < 0) return true;
    char type = 0;
    ssize_t n = ::recv(fd, &type, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;  // the server closed the connection
    return n == 1 && type == 'E';
}

bool driver::looks_dead() const noexcept {
    if (!conn || broken || PQstatus(conn) != CONNECTION_OK) return true;
    int fd = PQsocket(conn);
    if (fd < 0) return true;
    char type = 0;
    ssize_t n = ::recv(fd, &type, 1, MSG_PEEK | MSG_DONTWAIT);
    // An idle connection should have nothing to read, except a NOTIFY ('A'), a notice
    // ('N') or a parameter change ('S'); an 'E' is the server saying goodbye.
    return n == 0 || (n == 1 && type == 'E');
}

task<void> driver::send_cancel() {
    // The frame owns the cancel handle; the job only borrows it (a lambda holding a
    // non-trivial capture inside co_await trips a g++ 12 coroutine bug: double destruction).
    std::unique_ptr<PGcancel, void (*)(PGcancel*)> handle(PQgetCancel(conn), PQfreeCancel);
    if (!handle) co_return;
    PGcancel* raw = handle.get();
    // PQcancel opens a new connection and waits for the server: blocking, so off the loop.
    co_await uio::offload([raw] {
        char message[256];
        PQcancel(raw, message, sizeof message);
    });
}

task<void> driver::drain() {
    for (;;) {
        if (PQstatus(conn) != CONNECTION_OK) fail("connection lost");
        bool pipelined = PQpipelineStatus(conn) != PQ_PIPELINE_OFF;
        if (pipelined && unsynced > 0) {
            if (!PQpipelineSync(conn)) fail("cannot sync the pipeline");
            unsynced = 0;
            ++pending_syncs;
        }
        co_await flush();
        if (pipelined && pending_syncs == 0) {
            if (!PQexitPipelineMode(conn)) fail("cannot leave pipeline mode");
            continue;
        }
        if (!pipelined && PQtransactionStatus(conn) != PQTRANS_ACTIVE) co_return;
        PGresult* r = co_await next_result();
        if (!r) continue;
        ExecStatusType status = PQresultStatus(r);
        PQclear(r);
        if (status == PGRES_COPY_IN) {
            if (PQputCopyEnd(conn, "operation cancelled") < 0) fail("cannot end COPY");
        } else if (status == PGRES_COPY_OUT) {
            (void)co_await skip_copy_out();  // draining: how the COPY ended does not matter
        } else if (status == PGRES_PIPELINE_SYNC) {
            --pending_syncs;
        }
    }
}

task<void> driver::cancel_and_drain() {
    co_await send_cancel();
    co_await drain();
}

task<void> driver::recover() {
    dirty = false;
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        broken = true;
        co_return;
    }
    bool active =
        PQtransactionStatus(conn) == PQTRANS_ACTIVE || PQpipelineStatus(conn) != PQ_PIPELINE_OFF;
    if (!active) co_return;
    // The interrupted operation's stop scope may be stopped: a fresh scope lets us wait.
    stop_scope fresh{std::stop_token{}};
    clock::time_point saved = deadline;
    deadline = clock::now() + drain_timeout;
    bool ok = true;
    try {
        co_await cancel_and_drain().in_scope(fresh);
    } catch (...) {
        ok = false;
    }
    deadline = saved;
    if (!ok || !is_idle()) broken = true;
}

task<void> driver::prepare_for_op() {
    if (dirty) {
        co_await recover();
        if (broken) fail("connection could not be brought back to idle");
    }
    if (needs_rollback) {
        needs_rollback = false;
        arm_deadline();
        if (!PQsendQuery(conn, "ROLLBACK")) fail("cannot send ROLLBACK");
        co_await flush();
        PGresult* r = co_await collect();
        PQclear(r);
    }
    arm_deadline();
}

op_guard::op_guard(driver& s) : s_(s) {
    if (!s.conn) throw std::logic_error("uio::pg: the connection is closed");
    if (s.busy) {
        throw std::logic_error(
            "uio::pg: the connection is busy with another operation (use a pipeline or a pool)");
    }
    if (s.broken || PQstatus(s.conn) != CONNECTION_OK) {
        error::fields f;
        f.message = "the connection is broken (" + s.redacted + ")";
        throw error(std::move(f));
    }
    s.busy = true;
}

op_guard::~op_guard() {
    s_.busy = false;
    s_.deadline = clock::time_point::max();
    if (!done_) s_.dirty = true;
}

}  // namespace uio::pg::detail
