// pg::connection: connecting within our own deadline, and the request/response operations
// (executor's execute and fetch, which transactions share; prepare, begin, cancel). Streaming,
// COPY and notifications live in stream.cpp, copy.cpp and notify.cpp.
#include "uio/db/pg/connection.hpp"

#include <poll.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "uio/core/errors.hpp"
#include "uio/db/pg/conninfo.hpp"
#include "uio/db/pg/detail/driver.hpp"
#include "uio/db/pg/quote.hpp"

namespace uio::pg {

namespace {

void ignore_notice(void*, const PGresult*) {}

// The work of one request/response round trip: send with `send`, flush, collect.
template <class Send>
task<PGresult*> round_trip_raw(detail::driver& s, Send send) {
    if (!send(s.conn)) s.fail("cannot send the query");
    co_await s.flush();
    co_return co_await s.collect();
}

template <class Send>
task<result> round_trip(detail::driver& s, Send send) {
    co_return result(co_await round_trip_raw(s, std::move(send)));
}

task<result> send_params(detail::driver& s, std::string sql, params values) {
    std::vector<const char*> pointers = values.pointers();
    int n = static_cast<int>(pointers.size());
    co_return co_await round_trip(s, [&](PGconn* c) {
        return PQsendQueryParams(c, sql.c_str(), n, nullptr, pointers.data(), nullptr, nullptr, 0);
    });
}

task<std::int64_t> execute_work(detail::driver& s, std::string text) {
    result r(co_await round_trip_raw(s, [&](PGconn* c) { return PQsendQuery(c, text.c_str()); }));
    co_return r.affected_rows();
}

task<std::int64_t> rows_changed(task<result> work) {
    co_return (co_await std::move(work)).affected_rows();
}

task<void> prepare_work(detail::driver& s, std::string name, std::string text) {
    if (!s.unnamed_statements) {
        PGresult* r = co_await round_trip_raw(
            s, [&](PGconn* c) { return PQsendPrepare(c, name.c_str(), text.c_str(), 0, nullptr); });
        PQclear(r);
    }
    s.statements[name] = std::move(text);
}

task<result> fetch_prepared_work(detail::driver& s, std::string name, params values) {
    auto found = s.statements.find(name);
    if (found == s.statements.end()) {
        error::fields f;
        f.message = "no prepared statement named '" + name + "' on this connection";
        throw error(std::move(f));
    }
    if (s.unnamed_statements) co_return co_await send_params(s, found->second, std::move(values));
    std::vector<const char*> pointers = values.pointers();
    int count = static_cast<int>(pointers.size());
    co_return co_await round_trip(s, [&](PGconn* c) {
        return PQsendQueryPrepared(c, name.c_str(), count, pointers.data(), nullptr, nullptr, 0);
    });
}

task<connection> connect_impl(std::unique_ptr<detail::driver> s, std::string conninfo,
                              std::chrono::milliseconds timeout) {
    s->conn = PQconnectStart(conninfo.c_str());
    if (!s->conn) s->fail("cannot connect: out of memory");
    if (PQstatus(s->conn) == CONNECTION_BAD) {
        // libpq's message about a string it cannot parse may quote it, password and all: it is
        // shown only when redaction found nothing to hide.
        char* parse_message = nullptr;
        PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_message);
        if (parse_message) PQfreemem(parse_message);
        if (!parsed && s->redacted != conninfo) {
            error::fields f;
            f.message =
                "cannot connect: libpq cannot parse the connection string (" + s->redacted + ")";
            throw error(std::move(f));
        }
        if (parsed) PQconninfoFree(parsed);
        s->fail("cannot connect");
    }
    s->deadline = detail::clock::now() + timeout;
    // libpq's rule: start as if PQconnectPoll had said "writing", then wait for what each
    // call asks for. The socket may change between calls (several hosts, SSL retry).
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
        if (state == PGRES_POLLING_FAILED) s->fail("cannot connect");
        try {
            co_await s->wait(state == PGRES_POLLING_READING ? POLLIN : POLLOUT);
        } catch (const std::system_error& e) {
            if (e.code() != std::errc::timed_out) throw;
            throw std::system_error(e.code(), "cannot connect (" + s->redacted +
                                                  "): no answer within " +
                                                  std::to_string(timeout.count()) + " ms");
        }
        state = PQconnectPoll(s->conn);
    }
    if (PQsetnonblocking(s->conn, 1) != 0) s->fail("cannot make the connection non-blocking");
    PQsetNoticeReceiver(s->conn, ignore_notice, nullptr);
    s->deadline = detail::clock::time_point::max();
    co_return detail::driver_access::wrap(std::move(s));
}

}  // namespace

connection::connection() noexcept = default;
connection::connection(std::unique_ptr<detail::driver> s) noexcept
    : executor(s.get()), s_(std::move(s)) {}
connection::connection(connection&& other) noexcept
    : executor(std::exchange(other.driver_, nullptr)), s_(std::move(other.s_)) {}
connection& connection::operator=(connection&& other) noexcept {
    if (this != &other) {
        s_ = std::move(other.s_);
        driver_ = std::exchange(other.driver_, nullptr);
    }
    return *this;
}
connection::~connection() = default;

task<connection> connection::connect(std::string conninfo, std::chrono::milliseconds timeout,
                                     connect_options options) {
    auto s = std::make_unique<detail::driver>();
    s->redacted = redact_conninfo(conninfo);
    s->unnamed_statements = options.unnamed_statements;
    s->query_timeout = options.query_timeout;
    return connect_impl(std::move(s), std::move(conninfo), timeout);
}

detail::driver& executor::session() const {
    if (!driver_) {
        throw std::logic_error(
            "uio::pg: no session (a connection not connected or moved from, or a finished "
            "transaction)");
    }
    return *driver_;
}

task<result> executor::fetch_params(std::string sql, params values) {
    detail::driver& s = session();
    return detail::guarded(s, send_params(s, std::move(sql), std::move(values)));
}

task<std::int64_t> executor::execute(std::string sql) {
    detail::driver& s = session();
    return detail::guarded(s, execute_work(s, std::move(sql)));
}

task<std::int64_t> executor::execute_params(std::string sql, params values) {
    return rows_changed(fetch_params(std::move(sql), std::move(values)));
}

task<void> connection::prepare(std::string name, std::string sql) {
    return detail::guarded(*s_, prepare_work(*s_, std::move(name), std::move(sql)));
}

task<result> connection::fetch_prepared_params(std::string name, params values) {
    return detail::guarded(*s_, fetch_prepared_work(*s_, std::move(name), std::move(values)));
}

task<transaction> connection::begin(std::string mode) {
    std::string command = mode.empty() ? std::string("BEGIN") : "BEGIN " + mode;
    co_await execute(std::move(command));
    co_return transaction(*this);
}

task<void> connection::listen(std::string channel) {
    co_await execute("LISTEN " + quote_identifier(*this, channel));
}

task<void> connection::unlisten(std::string channel) {
    co_await execute("UNLISTEN " + quote_identifier(*this, channel));
}

task<void> connection::cancel() {
    if (s_ && s_->conn) co_await s_->send_cancel();
}

void connection::set_query_timeout(std::chrono::milliseconds limit) noexcept {
    s_->query_timeout = limit;
}

bool connection::is_open() const noexcept {
    return s_ && s_->conn && !s_->broken && PQstatus(s_->conn) == CONNECTION_OK;
}

bool connection::is_broken() const noexcept {
    return !is_open();
}

bool connection::is_reusable() const noexcept {
    if (!is_open() || s_->busy || s_->dirty || !s_->is_idle()) return false;
    PGTransactionStatusType status = PQtransactionStatus(s_->conn);
    return status == PQTRANS_IDLE || s_->needs_rollback;
}

int connection::backend_pid() const noexcept {
    return s_ && s_->conn ? PQbackendPID(s_->conn) : 0;
}

const std::string& connection::redacted_conninfo() const noexcept {
    static const std::string none;
    return s_ ? s_->redacted : none;
}

pg_conn* connection::native() const noexcept {
    return s_ ? s_->conn : nullptr;
}

namespace detail {

task<std::optional<row>> first_row(task<result> query) {
    result r = co_await std::move(query);
    if (r.empty()) co_return std::nullopt;
    co_return r.row_keeping_result(0);
}

void throw_no_rows(const std::string& sql) {
    error::fields f;
    f.message = "the query returned no rows (read it as std::optional): " + sql;
    throw error(std::move(f));
}

}  // namespace detail

}  // namespace uio::pg
