// PostgreSQL → CSV: COPY (...) TO STDOUT, the server's chunks gathered into ~1 MiB writes on
// the ring, into a temporary file renamed into place only when the COPY has completed.
#include <stdexcept>

#include "chunk_stream.hpp"
#include "copy_text.hpp"
#include "postgres_table.hpp"
#include "table_paths.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/pg/quote.hpp"

namespace uio::etl {

// COPY's source: the table, or the query in parentheses.
std::string copy_source(const pg::connection& conn, const relation& r) {
    return r.is_query() ? "(" + r.query + ")" : pg::quote_identifier(conn, r.table);
}

// Gathers COPY TO STDOUT chunks into ~1 MiB strings on `out`, then closes it. Counts the
// bytes (and, if `count_rows`, the rows: a loader downstream counts them otherwise).
task<void> copy_out_chunks(copy_context& ctx, pg::connection& conn, std::string sql,
                           channel<std::string>& out, bool count_rows) {
    std::exception_ptr failure;
    try {
        std::int64_t rows = 0;
        auto chunks = conn.copy_out(sql, &rows);
        // Sized for a whole chunk up front: grown by doubling from libpq's 16 KiB reads, each
        // ~1 MiB chunk cost about 2 MiB of copying and fresh pages to fault in.
        const std::size_t capacity = chunk_size + 128 * 1024;
        std::string pending;
        pending.reserve(capacity);
        while (auto chunk = co_await chunks.next()) {
            pending.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
            if (pending.size() >= chunk_size) {
                ctx.advance(0, pending.size());
                co_await send_chunk(out, std::move(pending));
                pending = std::string();
                pending.reserve(capacity);
            }
        }
        ctx.advance(0, pending.size());
        if (!pending.empty()) co_await send_chunk(out, std::move(pending));
        if (count_rows) ctx.stats.rows += static_cast<std::uint64_t>(rows);
    } catch (...) {
        failure = std::current_exception();
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

namespace {

// PostgreSQL → JSON Lines: the server makes each row's JSON (row_to_json: numbers stay
// numbers, NULL is null, "" is "", json/jsonb columns nested), we only undo COPY's escapes.
task<void> postgres_to_jsonl(copy_context& ctx, pg::connection& conn, const relation& source,
                             atomic_output_file& out) {
    std::string sql = "COPY (SELECT row_to_json(uio_row) FROM " +
                      (source.is_query() ? "(" + source.query + ") uio_row"
                                         : pg::quote_identifier(conn, source.table) + " uio_row") +
                      ") TO STDOUT";
    copy_text_unescaper unescape;
    std::string pending;
    auto chunks = conn.copy_out(sql);
    while (auto chunk = co_await chunks.next()) {
        std::uint64_t rows = unescape.feed(
            std::string_view(reinterpret_cast<const char*>(chunk->data()), chunk->size()), pending);
        ctx.advance(rows, chunk->size());
        if (pending.size() >= chunk_size) {
            co_await out.write(pending);
            pending.clear();
        }
    }
    if (!pending.empty()) co_await out.write(pending);
}

}  // namespace

task<void> postgres_to_file(copy_context& ctx, postgres_endpoint src, data_file_endpoint dst) {
    if (dst.format == data_format::jsonl) {
        pg::connection conn = co_await connect_postgres(src.conninfo);
        atomic_output_file out = co_await atomic_output_file::create(dst.path, ctx.options.fsync);
        co_await postgres_to_jsonl(ctx, conn, src.target, out);
        co_await out.commit();
        co_return;
    }
    formats::csv_options csv = ctx.csv_for(dst.path, dst.format);
    pg::connection conn = co_await connect_postgres(src.conninfo);
    std::string sql = "COPY " + copy_source(conn, src.target) + " TO STDOUT " +
                      copy_csv_options(conn, csv.header, csv.delimiter, csv.quote, csv.null_string);
    atomic_output_file out = co_await atomic_output_file::create(dst.path, ctx.options.fsync);
    channel<std::string> chunks(4);
    auto producing = copy_out_chunks(ctx, conn, sql, chunks, true);
    auto writing = write_chunks(chunks, out);
    co_await when_all(std::move(producing), std::move(writing));
    co_await out.commit();
}

}  // namespace uio::etl
