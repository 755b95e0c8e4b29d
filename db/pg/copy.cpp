// COPY in both directions, streaming with constant memory.
//
// FROM STDIN: chunks from an async source go through PQputCopyData; when libpq's buffer is
// full we flush on the ring. The server only talks during COPY IN to report an error (plus
// rare notices), and libpq leaves that error unparsed until the COPY ends, so after each
// chunk we peek at the socket (MSG_PEEK, nothing consumed): an ErrorResponse stops reading
// the source at once, we end the COPY, and the error (with its "COPY t, line N") is thrown.
// TO STDOUT: PQgetCopyData(async) rows are packed into ~64 KiB chunks for the consumer.
#include <poll.h>

#include <vector>

#include "uio/db/pg/connection.hpp"
#include "uio/db/pg/detail/driver.hpp"

namespace uio::pg {

namespace {

constexpr std::size_t chunk_size = 64 * 1024;

// Sends `sql` and waits for the server to enter `expected` COPY state; an error (wrong
// statement, no such table) is collected and thrown.
task<void> start_copy(detail::driver& s, const std::string& sql, ExecStatusType expected) {
    if (!PQsendQuery(s.conn, sql.c_str())) s.fail("cannot send COPY");
    co_await s.flush();
    PGresult* r = co_await s.next_result();
    ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == expected) {
        PQclear(r);
        co_return;
    }
    std::exception_ptr failure;
    if (r && (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR)) {
        failure = std::make_exception_ptr(detail::error_from_result(r));
    } else {
        error::fields f;
        f.message = "not a COPY " +
                    std::string(expected == PGRES_COPY_IN ? "FROM STDIN" : "TO STDOUT") +
                    " statement: " + sql.substr(0, 80);
        failure = std::make_exception_ptr(error(std::move(f)));
    }
    if (r) PQclear(r);
    PGresult* rest = nullptr;
    try {
        rest = co_await s.collect();  // ends any other COPY state, reads to idle
    } catch (...) {
    }
    if (rest) PQclear(rest);
    std::rethrow_exception(failure);
}

task<std::int64_t> copy_in_work(detail::driver& s, std::string sql,
                                async_generator<std::span<const std::byte>> source) {
    co_await start_copy(s, sql, PGRES_COPY_IN);
    bool server_stopped_us = false;
    std::exception_ptr source_error;
    for (;;) {
        std::optional<std::span<const std::byte>> chunk;
        try {
            chunk = co_await source.next();
        } catch (...) {
            source_error = std::current_exception();
        }
        if (source_error || !chunk) break;
        s.arm_deadline();
        const char* data = reinterpret_cast<const char*>(chunk->data());
        std::size_t left = chunk->size();
        while (left > 0 && !server_stopped_us) {
            int piece = static_cast<int>(std::min<std::size_t>(left, 1 << 20));
            int rc = PQputCopyData(s.conn, data, piece);
            if (rc < 0) s.fail("cannot send COPY data");
            if (rc == 0) {  // libpq's buffer is full: make room
                server_stopped_us = co_await s.flush_watching_for_error();
                continue;
            }
            data += piece;
            left -= static_cast<std::size_t>(piece);
        }
        // Flush every chunk, so libpq's buffer never grows past one chunk (constant
        // memory); this also peeks for a server error.
        if (!server_stopped_us) server_stopped_us = co_await s.flush_watching_for_error();
        if (server_stopped_us) break;
    }
    const char* reason = nullptr;
    if (source_error) reason = "the client's data source failed";
    if (server_stopped_us) reason = "the client stopped after a server error";
    if (PQputCopyEnd(s.conn, reason) < 0) s.fail("cannot end COPY");
    co_await s.flush();
    PGresult* done = nullptr;
    std::exception_ptr server_error;
    try {
        done = co_await s.collect();
    } catch (...) {
        server_error = std::current_exception();
    }
    // The server's error explains a stop better than the source's, which may follow from it.
    if (server_error && !(source_error && !server_stopped_us)) std::rethrow_exception(server_error);
    if (source_error) {
        if (done) PQclear(done);
        std::rethrow_exception(source_error);
    }
    result r(done);
    co_return r.affected_rows();
}

}  // namespace

task<std::int64_t> connection::copy_in(std::string sql,
                                       async_generator<std::span<const std::byte>> source) {
    return detail::guarded(*s_, copy_in_work(*s_, std::move(sql), std::move(source)));
}

async_generator<std::span<const std::byte>> connection::copy_out(std::string sql,
                                                                 std::int64_t* rows) {
    detail::driver& s = *s_;
    detail::op_guard guard(s);
    co_await s.prepare_for_op();
    std::exception_ptr failure;
    try {
        co_await start_copy(s, sql, PGRES_COPY_OUT);
        std::vector<std::byte> chunk;
        chunk.reserve(chunk_size + 4096);
        for (;;) {
            char* data = nullptr;
            int n = PQgetCopyData(s.conn, &data, 1);
            if (n > 0) {
                auto bytes = reinterpret_cast<const std::byte*>(data);
                chunk.insert(chunk.end(), bytes, bytes + n);
                PQfreemem(data);
                if (chunk.size() >= chunk_size) {
                    co_yield std::span<const std::byte>(chunk);
                    chunk.clear();
                    s.arm_deadline();
                }
            } else if (n == 0) {
                // Nothing buffered: hand over what we have rather than sit on it, then wait.
                if (!chunk.empty()) {
                    co_yield std::span<const std::byte>(chunk);
                    chunk.clear();
                    s.arm_deadline();
                }
                co_await s.wait(POLLIN);
                if (!PQconsumeInput(s.conn)) s.fail("cannot read from the server");
            } else if (n == -1) {
                break;  // COPY done; the command's result follows
            } else {
                s.fail("COPY TO STDOUT failed");
            }
        }
        if (!chunk.empty()) co_yield std::span<const std::byte>(chunk);
        result r(co_await s.collect());
        if (rows) *rows = r.affected_rows();
        guard.done();
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        co_await s.recover();
        guard.done();
        std::rethrow_exception(failure);
    }
}

}  // namespace uio::pg
