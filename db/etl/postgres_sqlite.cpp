// PostgreSQL ↔ SQLite without an intermediate file. PG → SQLite: COPY TO STDOUT's CSV
// chunks go straight into the CSV → SQLite loader, with the column types of the source.
// SQLite → PG: rows formatted as CSV on the SQLite worker feed COPY FROM STDIN.
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/sqlite_cursor.hpp"
#include "uio/db/etl/detail/sqlite_loaders.hpp"
#include "uio/db/etl/detail/sqlite_target.hpp"
#include "uio/db/etl/detail/table_paths.hpp"

namespace uio::etl {

std::string copy_source(const pg::connection& conn, const relation& r);

namespace {

// Gathers COPY TO STDOUT chunks into ~1 MiB strings on `out` (for the CSV loader, which
// parses them on the pool), then closes it. Counts the bytes; the loader counts the rows.
task<void> copy_out_chunks(copy_context& ctx, pg::connection& conn, std::string sql,
                           channel<std::string>& out) {
    std::exception_ptr failure;
    try {
        auto chunks = conn.copy_out(sql);
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
    } catch (...) {
        failure = std::current_exception();
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

async_generator<std::span<const std::byte>> cursor_csv(copy_context& ctx, sqlite_cursor& cursor) {
    formats::csv_writer writer{formats::csv_options{}};
    for (;;) {
        std::int64_t before = cursor.rows();
        std::string text = co_await cursor.next_csv(writer, chunk_size);
        if (text.empty()) break;
        ctx.advance(static_cast<std::uint64_t>(cursor.rows() - before), text.size());
        co_yield std::as_bytes(std::span(text.data(), text.size()));
    }
}

}  // namespace

task<void> postgres_to_sqlite(copy_context& ctx, postgres_endpoint src, sqlite_endpoint dst) {
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    pg::connection conn = co_await connect_postgres(src.conninfo, src.target.schema);
    co_await use_export_settings(conn);
    std::vector<column_spec> types;
    if (src.target.is_query()) {
        types = co_await postgres_query_columns(conn, src.target.query);
    } else {
        types = co_await postgres_table_columns(conn, src.target.table);
    }
    if (types.empty() && !src.target.is_query()) {
        throw database_error("no table '" + src.target.table + "' in PostgreSQL");
    }
    std::string sql = "COPY " + copy_source(conn, src.target) + " TO STDOUT (FORMAT csv, HEADER)";
    auto load = [&](sqlite::database& db) -> task<void> {
        channel<std::string> chunks(4);
        formats::csv_options csv;
        csv.source = "COPY from PostgreSQL";
        auto producing = copy_out_chunks(ctx, conn, sql, chunks);
        auto loading = load_csv_into_sqlite(ctx, chunks, csv, db, dst.target.table, types);
        co_await when_all(std::move(producing), std::move(loading));
    };
    co_await load_sqlite_target(dst.path, load);
}

task<void> sqlite_to_postgres(copy_context& ctx, sqlite_endpoint src, postgres_endpoint dst) {
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    sqlite::database db =
        co_await sqlite::database::open(src.path, {.create = false, .read_only = true});
    std::string select = sqlite_select(src.target.table, src.target.query);
    sqlite_cursor cursor = co_await sqlite_cursor::open(db, select);
    std::vector<column_spec> columns = cursor.columns();
    for (auto& c : columns) c.declared.clear();  // SQLite's names mean little to PostgreSQL
    pg::connection conn = co_await connect_postgres(dst.conninfo, dst.target.schema);
    postgres_load_request request{dst.target.table, columns,      false,
                                  ctx.options.mode, ctx.schema(), ctx.options.key};
    request.count_upserts = ctx.options.stats_json;
    std::string options = copy_csv_options(conn, false, ',', '"', std::nullopt);
    postgres_table_load load = co_await postgres_table_load::begin(conn, std::move(request));
    std::int64_t rows = co_await load.copy(options, cursor_csv(ctx, cursor));
    co_await load.commit();
    ctx.stats.rows = static_cast<std::uint64_t>(rows);
    ctx.count_upsert(load.inserted());
    co_await db.close();
}

}  // namespace uio::etl
