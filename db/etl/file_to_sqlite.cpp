// data file → SQLite: io_uring reads → channel → parse on the pool → channel → inserts, into
// a file that a failed load leaves as it was, or removes if it made it (sqlite_target.hpp).
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/sqlite_loaders.hpp"
#include "uio/db/etl/detail/sqlite_target.hpp"
#include "uio/db/etl/detail/table_paths.hpp"

namespace uio::etl {

task<void> file_to_sqlite(copy_context& ctx, data_file_endpoint src, sqlite_endpoint dst) {
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    input_file in = co_await open_input(src, ctx);
    auto load = [&](sqlite::database& db) -> task<void> {
        channel<std::string> chunks(4);
        auto reading = read_chunks(in, 0, chunks);
        if (src.format == data_format::jsonl) {
            auto loading = load_jsonl_into_sqlite(ctx, chunks, src.path, db, dst.target.table);
            co_await when_all(std::move(reading), std::move(loading));
        } else {
            formats::csv_options csv = ctx.csv_for(src.path, src.format);
            auto loading = load_csv_into_sqlite(ctx, chunks, csv, db, dst.target.table, {});
            co_await when_all(std::move(reading), std::move(loading));
        }
    };
    co_await load_sqlite_target(dst.path, load);
}

}  // namespace uio::etl
