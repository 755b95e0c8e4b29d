// SQLite → data file: rows formatted on the SQLite worker in ~1 MiB slices, written by the
// ring into a temporary file that is renamed into place only when complete.
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/sqlite_cursor.hpp"
#include "uio/db/etl/detail/table_paths.hpp"

namespace uio::etl {

task<void> sqlite_to_file(copy_context& ctx, sqlite_endpoint src, data_file_endpoint dst) {
    sqlite::database db =
        co_await sqlite::database::open(src.path, {.create = false, .read_only = true});
    std::string sql = sqlite_select(src.target.table, src.target.query);
    sqlite_cursor cursor = co_await sqlite_cursor::open(db, sql);
    export_file out = co_await export_file::create(dst, ctx.options.fsync);

    channel<std::string> chunks(4);
    auto produce = [&]() -> task<void> {
        std::exception_ptr failure;
        try {
            bool jsonl = dst.format == data_format::jsonl;
            formats::csv_options csv = ctx.csv_for(dst.path, dst.format);
            formats::csv_writer writer(csv);
            if (!jsonl && csv.header) {
                std::vector<std::string> names;
                for (const auto& c : cursor.columns()) names.push_back(c.name);
                std::string head;
                writer.write_header(names, head);
                co_await send_chunk(chunks, std::move(head));
            }
            for (;;) {
                std::int64_t before = cursor.rows();
                std::string text;
                if (jsonl) {
                    text = co_await cursor.next_jsonl(chunk_size);
                } else {
                    text = co_await cursor.next_csv(writer, chunk_size);
                }
                if (text.empty()) break;
                ctx.advance(static_cast<std::uint64_t>(cursor.rows() - before), text.size());
                co_await send_chunk(chunks, std::move(text));
            }
        } catch (...) {
            failure = std::current_exception();
        }
        chunks.close();
        if (failure) std::rethrow_exception(failure);
    };
    auto producing = produce();
    auto writing = write_chunks(chunks, out);
    co_await when_all(std::move(producing), std::move(writing));
    co_await out.commit();
    co_await db.close();
}

}  // namespace uio::etl
