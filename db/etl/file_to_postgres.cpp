// CSV → PostgreSQL: the server parses. We read a sample (header, column types for a table we
// create), then stream the file's bytes from io_uring reads straight into COPY FROM STDIN —
// in a table we create, each chunk once its values have been checked against the inferred
// types on the thread pool (csv_value_check.hpp). When a value does not fit, or the server
// refuses one of a column whose type we inferred, the load starts again with that column
// wider (postgres_widening.hpp). On any other COPY error we rescan the file
// to turn the server's "line N" (where the bad record ends) into where it starts, and report
// `file:LINE: message`; under --max-errors the load is retried without the bad records
// (postgres_load_retry.hpp says why).
#include <exception>
#include <memory>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/csv_record_filter.hpp"
#include "uio/db/etl/detail/csv_value_check.hpp"
#include "uio/db/etl/detail/postgres_load_retry.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/postgres_widening.hpp"
#include "uio/db/etl/detail/sqlite_loaders.hpp"
#include "uio/db/etl/detail/table_paths.hpp"
#include "uio/db/formats/csv_reader.hpp"

namespace uio::etl {

namespace {

// The first rows of the file: enough for the header and the column types.
task<std::vector<column_spec>> sample_columns(input_file& in, formats::csv_options csv) {
    std::string source = csv.source;
    formats::csv_reader reader(std::move(csv));
    formats::csv_batch sample = co_await sample_first_rows(in, reader);
    if (reader.width() == 0) throw data_error(source + ": no rows and no header");
    co_return infer_csv_columns(reader.header(), reader.width(), sample);
}

// The file's bytes without the records starting on `skip`'s lines (a retried load).
async_generator<std::span<const std::byte>> filtered_bytes(input_file& in, copy_context& ctx,
                                                           char quote,
                                                           std::vector<std::uint64_t> skip) {
    csv_record_filter filter(quote, skip);
    auto bytes = file_bytes(in, ctx, quote);
    std::string kept;
    while (auto chunk = co_await bytes.next()) {
        kept.clear();
        filter.feed(std::string_view(reinterpret_cast<const char*>(chunk->data()), chunk->size()),
                    &kept);
        co_yield std::as_bytes(std::span(kept.data(), kept.size()));
    }
}

// Where the record holding line `copy_line` of the (filtered) stream starts in the file;
// nullopt when that record is an unterminated quoted field running to the end.
task<std::optional<std::uint64_t>> record_start(input_file& in, std::int64_t copy_line, char quote,
                                                const std::vector<std::uint64_t>& skip) {
    csv_record_filter filter(quote, skip, static_cast<std::uint64_t>(copy_line));
    std::string chunk;
    std::uint64_t offset = 0;
    for (;;) {
        const bool first = offset == 0;
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        if (n == 0) break;
        std::size_t bom = first && chunk.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
        filter.feed(std::string_view(chunk.data() + bom, n - bom), nullptr);
        if (filter.record_start()) co_return filter.record_start();
    }
    filter.finish();
    if (filter.unterminated()) co_return std::nullopt;
    co_return filter.record_start().value_or(static_cast<std::uint64_t>(copy_line));
}

}  // namespace

task<void> file_to_postgres(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst) {
    if (src.format == data_format::jsonl) {
        auto loading = jsonl_to_postgres(ctx, std::move(src), std::move(dst));
        co_await std::move(loading);
        co_return;
    }
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    formats::csv_options csv = ctx.csv_for(src.path, src.format);
    csv.allow_ragged = false;
    input_file in = co_await open_input(src, ctx);
    std::vector<column_spec> columns = co_await sample_columns(in, csv);
    postgres_load_request request{dst.target.table, columns,      !csv.header,
                                  ctx.options.mode, ctx.schema(), ctx.options.key};
    request.count_upserts = ctx.options.stats_json;
    postgres_load_retry retry(ctx, src.path);
    for (;;) {
        retry.begin_attempt();
        std::optional<copy_failure> failed;
        std::vector<column_spec> created_with;  // the columns, when this attempt made the table
        {
            // A new connection per attempt: the failed one's transaction is aborted.
            pg::connection conn = co_await connect_postgres(dst.conninfo);
            std::string options =
                copy_csv_options(conn, csv.header, csv.delimiter, csv.quote, csv.null_string);
            std::unique_ptr<csv_value_check> check;
            bool stopped = false;
            try {
                postgres_table_load load = co_await postgres_table_load::begin(conn, request);
                if (load.created()) created_with = load.columns();
                auto bytes = retry.skipped().empty()
                                 ? file_bytes(in, ctx, csv.quote)
                                 : filtered_bytes(in, ctx, csv.quote, retry.skipped());
                check = std::make_unique<csv_value_check>(
                    csv, checked_kinds(load.columns(), load.created()));
                std::int64_t rows = 0;
                if (!check->active()) {
                    rows = co_await load.copy(options, std::move(bytes));
                } else {
                    channel<std::string> checked(4);
                    auto producing = send_checked(std::move(bytes), *check, checked, stopped);
                    auto loading = load.copy(options, channel_bytes(checked, stopped));
                    auto [ignored, copied] =
                        co_await when_all(std::move(producing), std::move(loading));
                    rows = copied;
                    if (check->failure()) std::rethrow_exception(check->failure());
                }
                co_await load.commit();
                ctx.stats.rows = static_cast<std::uint64_t>(rows);
                ctx.count_upsert(load.inserted());
                co_return;
            } catch (const pg::error& e) {
                if (!check || !check->widened()) {
                    failed = copy_failure::from(e);
                    if (!failed) throw;
                }
            } catch (...) {
                if (!check || !check->widened()) throw;  // else: the attempt we stopped
            }
            // A value our check refused: the load starts again with wider types.
            if (check && check->widened() && apply_widening(*check, request.source_columns)) {
                continue;
            }
            if (!failed) throw data_error(src.path + ": the load stopped to widen no column");
        }
        if (widen_refused_column(request.source_columns, created_with, *failed)) continue;
        auto line = co_await record_start(in, failed->copy_line, csv.quote, retry.skipped());
        if (!line) {
            // Skipping a record that never ends would skip the rest of the file.
            throw data_error(src.path + ": " + failed->message +
                             " (an unterminated quoted field runs to the end)");
        }
        std::string text = co_await file_line(in, *line);
        retry.reject(*line, failed->message, text);  // throws past --max-errors
    }
}

}  // namespace uio::etl
