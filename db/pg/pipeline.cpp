// pipeline: libpq pipeline mode on the ring. Bookkeeping: `sent` queries went out, `read`
// results came back (buffered until received), `synced_through` queries are covered by a
// PQpipelineSync. We sync every half window of sends (PQpipelineSync also flushes), so the
// server works on one half while we send the other and read what it returned, and also when
// we start reading a query not yet covered (the last, partial batch). A batch is the queries
// between two syncs: PGRES_PIPELINE_ABORTED results run until its PGRES_PIPELINE_SYNC.
#include "uio/db/pg/pipeline.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <variant>

#include "uio/db/pg/detail/driver.hpp"

namespace uio::pg {

struct pipeline::state {
    detail::driver* s = nullptr;
    std::size_t max_in_flight = 1000;
    std::size_t sync_every = 500;  // max_in_flight / 2, at least 1
    std::optional<detail::op_guard> guard;
    std::uint64_t sent = 0;
    std::uint64_t read = 0;
    std::uint64_t received = 0;
    std::uint64_t synced_through = 0;
    std::optional<std::uint64_t> batch_failure;  // the query that aborted the current batch
    std::deque<std::variant<result, std::exception_ptr>> buffered;
    bool closed = false;

    void check_open() const {
        if (closed) throw std::logic_error("uio::pg::pipeline: closed (after close() or an error)");
    }

    // Ends the current batch. PQpipelineSync also tries to flush (without blocking: what
    // is left goes out with the next flush(), which read_one() does before any wait).
    void sync() {
        if (!PQpipelineSync(s->conn)) s->fail("cannot sync the pipeline");
        synced_through = sent;
        s->unsynced = 0;
        ++s->pending_syncs;
    }

    task<void> read_one() {
        if (read >= synced_through) sync();
        int nulls = 0;
        for (;;) {
            // Flush only before a wait: a result libpq already holds needs no send, and a
            // flush per receive would cost a send() per query (the syncs flush anyway).
            if (PQisBusy(s->conn)) co_await s->flush();
            PGresult* r = co_await s->next_result();
            if (!r) {
                // A NULL ends each query's results; two in a row means nothing is coming.
                if (++nulls > 1 && !PQisBusy(s->conn)) s->fail("pipeline out of step");
                continue;
            }
            nulls = 0;
            ExecStatusType status = PQresultStatus(r);
            if (status == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                --s->pending_syncs;
                batch_failure.reset();
                continue;
            }
            std::uint64_t index = read++;
            if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK ||
                status == PGRES_EMPTY_QUERY) {
                buffered.emplace_back(result(r));
            } else if (status == PGRES_PIPELINE_ABORTED) {
                PQclear(r);
                error::fields f;
                f.message = "not run: query #" +
                            (batch_failure ? std::to_string(*batch_failure) : std::string("?")) +
                            " of the same pipeline batch failed";
                f.query_index = index;
                buffered.emplace_back(std::make_exception_ptr(pipeline_aborted(std::move(f))));
            } else {
                error::fields f = detail::error_from_result(r).all_fields();
                PQclear(r);
                f.query_index = index;
                batch_failure = index;
                buffered.emplace_back(std::make_exception_ptr(error(std::move(f))));
            }
            co_return;
        }
    }

    // After a failure other than a query's own error: cancel, drain, close.
    task<void> give_up() {
        closed = true;
        co_await s->recover();
        if (guard) guard->done();
        guard.reset();
    }

    // Queues one query with `send`, after making room under the cap.
    template <class Send>
    task<std::uint64_t> send_one(Send send) {
        std::exception_ptr failure;
        try {
            s->arm_deadline();
            while (sent - read >= max_in_flight) co_await read_one();
            if (!send(s->conn)) s->fail("cannot queue the query");
            ++s->unsynced;
            std::uint64_t index = sent++;
            if (s->unsynced >= sync_every) sync();
            co_return index;
        } catch (...) {
            failure = std::current_exception();
        }
        co_await give_up();
        std::rethrow_exception(failure);
    }
};

pipeline::pipeline(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
pipeline::pipeline(pipeline&&) noexcept = default;
pipeline& pipeline::operator=(pipeline&&) noexcept = default;
pipeline::~pipeline() = default;  // the op_guard marks an unclosed pipeline's connection dirty

task<pipeline> pipeline::open(connection& conn, pipeline_options options) {
    auto st = std::make_unique<state>();
    st->s = &detail::driver_access::of(conn);
    st->max_in_flight = options.max_in_flight == 0 ? 1 : options.max_in_flight;
    st->sync_every = std::max<std::size_t>(st->max_in_flight / 2, 1);
    st->guard.emplace(*st->s);
    co_await st->s->prepare_for_op();
    // Only an idle connection may enter pipeline mode; prepare_for_op made it idle.
    if (!PQenterPipelineMode(st->s->conn)) st->s->fail("cannot enter pipeline mode");
    st->s->unsynced = 0;
    st->s->pending_syncs = 0;
    co_return pipeline(std::move(st));
}

task<std::uint64_t> pipeline::send_params(std::string sql, params values) {
    s_->check_open();
    std::vector<const char*> pointers = values.pointers();
    int n = static_cast<int>(pointers.size());
    co_return co_await s_->send_one([&](PGconn* c) {
        return PQsendQueryParams(c, sql.c_str(), n, nullptr, pointers.data(), nullptr, nullptr, 0);
    });
}

task<std::uint64_t> pipeline::send_prepared_params(std::string name, params values) {
    s_->check_open();
    auto found = s_->s->statements.find(name);
    if (found == s_->s->statements.end()) {
        error::fields f;
        f.message = "no prepared statement named '" + name + "' on this connection";
        throw error(std::move(f));
    }
    std::vector<const char*> pointers = values.pointers();
    int n = static_cast<int>(pointers.size());
    if (s_->s->unnamed_statements) {
        const std::string& sql = found->second;
        co_return co_await s_->send_one([&](PGconn* c) {
            return PQsendQueryParams(c, sql.c_str(), n, nullptr, pointers.data(), nullptr, nullptr,
                                     0);
        });
    }
    co_return co_await s_->send_one([&](PGconn* c) {
        return PQsendQueryPrepared(c, name.c_str(), n, pointers.data(), nullptr, nullptr, 0);
    });
}

task<result> pipeline::receive() {
    state& st = *s_;
    st.check_open();
    if (st.buffered.empty() && st.read == st.sent) {
        throw std::logic_error("uio::pg::pipeline: receive() with no query outstanding");
    }
    std::exception_ptr failure;
    try {
        st.s->arm_deadline();
        if (st.buffered.empty()) co_await st.read_one();
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        co_await st.give_up();
        std::rethrow_exception(failure);
    }
    auto front = std::move(st.buffered.front());
    st.buffered.pop_front();
    ++st.received;
    if (front.index() == 1) std::rethrow_exception(std::get<1>(front));
    co_return std::move(std::get<0>(front));
}

task<void> pipeline::close() {
    state& st = *s_;
    if (st.closed) co_return;
    st.closed = true;
    st.buffered.clear();
    std::exception_ptr failure;
    try {
        st.s->arm_deadline();
        co_await st.s->drain();  // syncs, reads everything, leaves pipeline mode
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        co_await st.give_up();
        std::rethrow_exception(failure);
    }
    st.guard->done();
    st.guard.reset();
}

std::uint64_t pipeline::sent() const noexcept {
    return s_->sent;
}

std::uint64_t pipeline::unreceived() const noexcept {
    return s_->sent - s_->received;
}

}  // namespace uio::pg
