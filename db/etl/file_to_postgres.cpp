// CSV → PostgreSQL: the server parses. We read a sample (header, column types for a table we
// create), then stream the file's bytes from io_uring reads straight into COPY FROM STDIN —
// in a table we create, each chunk once its values have been checked against the inferred
// types on the thread pool (csv_value_check.hpp). When a value does not fit, the column
// widens where the load is (postgres_widen_in_place.hpp); when the server still refuses one
// of a column whose type we inferred, the load starts again with that column wider
// (postgres_widening.hpp). On any other COPY error we rescan the file
// to turn the server's "line N" (where the bad record ends) into where it starts, and report
// `file:LINE: message`; under --max-errors the load is retried without the bad records
// (postgres_load_retry.hpp says why).
#include <exception>
#include <memory>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/csv_record_filter.hpp"
#include "uio/db/etl/detail/csv_value_check.hpp"
#include "uio/db/etl/detail/postgres_load_retry.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/etl/detail/postgres_widening.hpp"
#include "uio/db/etl/detail/sqlite_loaders.hpp"
#include "uio/db/etl/detail/table_paths.hpp"
#include "uio/db/formats/csv_reader.hpp"

namespace uio::etl {

namespace {

bool empty_line(std::string_view text) noexcept {
    return text.empty() || text == "\r";
}

// The file's bytes without the records starting on `skip`'s lines (a retried load), and
// without empty lines when `skip_blank`; counts those in `blank_lines`.
async_generator<std::span<const std::byte>> filtered_bytes(input_file& in, copy_context& ctx,
                                                           std::string in_path, char quote,
                                                           std::vector<std::uint64_t> skip,
                                                           bool skip_blank,
                                                           std::uint64_t& blank_lines) {
    csv_record_filter filter(quote, skip, 0, skip_blank);
    auto bytes = file_bytes(in, ctx, in_path, quote);
    std::string kept;
    while (auto chunk = co_await bytes.next()) {
        kept.clear();
        filter.feed(std::string_view(reinterpret_cast<const char*>(chunk->data()), chunk->size()),
                    &kept);
        blank_lines = filter.blank_lines();
        co_yield std::as_bytes(std::span(kept.data(), kept.size()));
    }
}

// Where the record holding line `copy_line` of the (filtered) stream starts in the file;
// nullopt when that record is an unterminated quoted field running to the end.
task<std::optional<std::uint64_t>> record_start(input_file& in, std::int64_t copy_line, char quote,
                                                const std::vector<std::uint64_t>& skip,
                                                bool skip_blank) {
    csv_record_filter filter(quote, skip, static_cast<std::uint64_t>(copy_line), skip_blank);
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

// --strict: the bytes also go through csv_reader on the thread pool, which refuses what COPY
// would read leniently (a quote inside an unquoted field, text after a closing quote), so
// the COPY fails, rolled back, at the first such field, with its line and column. Only
// then: the server parses anyway, and a clean file should not pay for a second parser.
async_generator<std::span<const std::byte>> strictly_checked(
    async_generator<std::span<const std::byte>> bytes, formats::csv_options csv) {
    formats::csv_reader reader(std::move(csv));
    while (auto chunk = co_await bytes.next()) {
        std::string_view text(reinterpret_cast<const char*>(chunk->data()), chunk->size());
        auto parse = [&] { (void)reader.feed(text); };
        co_await offload(parse);
        co_yield *chunk;
    }
    auto last = [&] { (void)reader.finish(); };
    co_await offload(last);
}

// The reader's error for a file whose last quoted field never ends (`file:LINE:COL:
// unterminated quoted field`): the whole file parsed once more, only on that failure.
task<void> unterminated_quote_error(input_file& in, formats::csv_options csv) {
    csv.allow_ragged = true;
    formats::csv_reader reader(std::move(csv));
    std::string chunk;
    std::uint64_t offset = 0;
    for (;;) {
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        auto parse = [&] {
            if (n == 0) {
                (void)reader.finish();
            } else {
                (void)reader.feed(chunk);
            }
        };
        co_await offload(parse);
        if (n == 0) break;
    }
}

}  // namespace

task<void> file_to_postgres(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst) {
    if (src.format == data_format::jsonl) {
        auto loading = jsonl_to_postgres(ctx, std::move(src), std::move(dst));
        co_await std::move(loading);
        co_return;
    }
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    // Under --max-errors the sample reads ragged records too (the server rejects them, and
    // the retry skips them as it would past the sample); without, the reader's error.
    formats::csv_options csv = ctx.csv_for(src.path, src.format);
    input_file in = co_await open_input(src, ctx);
    const std::string in_path = src.path;
    std::vector<column_spec> columns = co_await sample_csv_columns(in, csv);
    // Records are split on quotes and line ends; the text format has no quotes.
    const char quote = csv.text_format ? '\0' : csv.quote;
    postgres_load_request request{dst.target.table, columns,      !csv.header,
                                  ctx.options.mode, ctx.schema(), ctx.options.key};
    request.count_upserts = ctx.options.stats_json;
    postgres_load_retry retry(ctx, src.path);
    // Empty lines: the server refuses them in a file of more than one column. Sent as they
    // are until the server names one, then left out of every later attempt (one pass more,
    // and none for a file without them).
    bool skip_blank = false;
    std::uint64_t blank_lines = 0;
    std::uint64_t restarts = 0;
    for (;; ++restarts) {
        retry.begin_attempt();
        std::optional<copy_failure> failed;
        std::vector<column_spec> created_with;  // the columns, when this attempt made the table
        {
            // A new connection per attempt: the failed one's transaction is aborted.
            pg::connection conn = co_await connect_postgres(dst.conninfo, dst.target.schema);
            std::string options = copy_options(conn, csv, csv.header);
            std::unique_ptr<csv_value_check> check;
            widening_steps steps;
            bool stopped = false;
            try {
                postgres_table_load load = co_await postgres_table_load::begin(conn, request);
                if (load.created()) created_with = load.columns();
                // The check below reads these same bytes: without the skipped records and,
                // once the server named one, without empty lines.
                auto bytes = retry.skipped().empty() && !skip_blank
                                 ? file_bytes(in, ctx, in_path, quote)
                                 : filtered_bytes(in, ctx, in_path, quote, retry.skipped(),
                                                  skip_blank, blank_lines);
                if (csv.strict && !csv.text_format) {
                    bytes = strictly_checked(std::move(bytes), csv);
                }
                check = std::make_unique<csv_value_check>(
                    csv, checked_kinds(load.columns(), load.created()));
                std::int64_t rows = 0;
                if (!check->active()) {
                    rows = co_await load.copy_overlapping(dst.conninfo, dst.target.schema, csv,
                                                          options, std::move(bytes),
                                                          ctx.options.upsert_batch_bytes);
                } else {
                    // A COPY after a cut starts with a line HEADER skips (the text format
                    // has no quotes: none needed), so it learns the line ending first.
                    std::string dummy =
                        csv.text_format ? std::string() : copy_dummy_header(csv, false);
                    std::string later = copy_options(conn, csv, !csv.text_format);
                    channel<std::string> checked(4);
                    // A plain file read unfiltered is checked ahead (csv_check_ahead.hpp).
                    const bool plain =
                        in.kind() == compression::none && retry.skipped().empty() && !skip_blank;
                    auto producing =
                        send_checked(std::move(bytes), *check, checked, stopped, load.columns(),
                                     dummy, steps, plain ? &in : nullptr);
                    auto loading = copy_widening(load, options, later, checked, stopped, steps,
                                                 !dummy.empty(), text_form::copy, created_with);
                    auto [ignored, copied] =
                        co_await when_all(std::move(producing), std::move(loading));
                    rows = copied;
                    if (check->failure()) std::rethrow_exception(check->failure());
                }
                co_await load.commit();
                ctx.stats.rows = static_cast<std::uint64_t>(rows);
                ctx.stats.blank_lines = blank_lines;
                ctx.stats.widenings = steps.done;
                ctx.stats.restarts = restarts;
                ctx.count_upsert(load.inserted());
                co_return;
            } catch (const pg::error& e) {
                failed = copy_failure::from(e);
                if (!failed) throw;
                failed->copy_line += steps.line_offset;
            }
            // A retry (--max-errors) starts with the types widened so far.
            if (check) apply_widening(*check, request.source_columns);
        }
        std::optional<std::uint64_t> line;
        bool located = false;
        if (csv.text_format && !skip_blank && columns.size() > 1) {
            // In the text format an empty line is one empty field, which the server refuses
            // as a value of the first column: no reason to widen that column (in CSV it is a
            // NULL, and the server names no value).
            line = co_await record_start(in, failed->copy_line, quote, retry.skipped(), false);
            located = true;
            if (line) {
                std::string text = co_await file_line(in, *line);
                if (empty_line(text)) {
                    skip_blank = true;
                    continue;
                }
            }
        }
        if (widen_refused_column(request.source_columns, created_with, *failed)) continue;
        if (!located) {
            line = co_await record_start(in, failed->copy_line, quote, retry.skipped(), skip_blank);
        }
        if (!line) {
            // Skipping a record that never ends would skip the rest of the file. Where it
            // starts, and why, as the reader says it (the server's message has no place).
            auto locating = unterminated_quote_error(in, csv);
            co_await std::move(locating);
            throw data_error(src.path + ": " + failed->message +
                             " (an unterminated quoted field runs to the end)");
        }
        std::string text = co_await file_line(in, *line);
        if (!skip_blank && columns.size() > 1 && empty_line(text)) {
            skip_blank = true;  // not a bad record: no record at all
            continue;
        }
        retry.reject(*line, failed->message, text);  // throws past --max-errors
    }
}

}  // namespace uio::etl
