// JSON Lines → PostgreSQL: the file is read in chunks by the ring, parsed and turned into CSV
// records on the thread pool, and streamed into COPY FROM STDIN (FORMAT csv) through a
// bounded channel, so reading, parsing and the server's work overlap and memory stays flat.
// On a COPY error the server's "line N" counts lines of the CSV we sent; a rescan (no cost
// unless a load fails) turns it back into the line of the JSON Lines file. In a table we
// create, a value that does not fit its column's inferred type widens the column where the
// load is (postgres_widen_in_place.hpp).
#include <algorithm>
#include <memory>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/etl/detail/postgres_load_retry.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/etl/detail/table_paths.hpp"

namespace uio::etl {

namespace {

// The first rows: the keys and a sample for the column types.
struct jsonl_sample {
    std::vector<std::string> keys;
    std::vector<json_column_kinds> kinds;
};
task<jsonl_sample> sample_jsonl(input_file& in, const std::string& source, bool skip_bad) {
    formats::jsonl_reader reader(source, skip_bad);
    formats::jsonl_batch sample = co_await sample_first_rows(in, reader);
    if (reader.columns().empty()) throw data_error(source + ": no rows");
    co_return jsonl_sample{reader.columns(), observe_jsonl_columns(reader.columns(), sample)};
}

// `kinds` (a copy of the load's, one per key; those `guessed` marks are checked) widened by
// every value of the rest of `in` from `offset` on, read by `reader` (a copy of the load's
// reader there, with its part of a line), converted on the pool as the load converts it.
task<void> widen_ahead(input_file& in, std::uint64_t offset, formats::jsonl_reader reader,
                       const std::vector<std::uint64_t>& skip,
                       const std::vector<const json_column_kinds*>& guessed,
                       std::vector<json_column_kinds>& kinds) {
    std::vector<const json_column_kinds*> guesses(kinds.size());
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (i < guessed.size() && guessed[i]) guesses[i] = &kinds[i];
    }
    std::string chunk;
    for (;;) {
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        auto check = [&] {
            auto rows = n == 0 ? reader.finish() : reader.feed(chunk);
            jsonl_csv_batch b = jsonl_to_csv(rows, kinds.size(), skip, guesses);
            for (auto& [i, wider] : b.widened) kinds[i] = std::move(wider);
        };
        co_await offload(check);
        if (n == 0) break;
    }
}

// Reads the file, converts it on the pool and sends CSV text on `out` (closed at the end,
// also on failure, which `failed` then tells the consumer). A batch with a value that does
// not fit `kinds` (those `guesses` points to: jsonl_to_csv) widens them, is converted again,
// and goes after a cut (postgres_widen_in_place.hpp): the COPY ends, the table widens, and
// a new COPY starts with another header line. In a plain file the first cut looks ahead
// (widen_ahead: the rest converted once more on the pool), so that it takes every widening
// the file holds and the table is altered once: each ALTER rewrites the rows loaded so far.
task<void> produce_csv(copy_context& ctx, input_file& in, std::string source,
                       const std::vector<std::string>& names,
                       const std::vector<std::uint64_t>& skip,
                       const std::vector<const json_column_kinds*>& guesses,
                       std::vector<json_column_kinds>& kinds, channel<std::string>& out,
                       bool& failed, const std::vector<column_spec>& columns, widening_steps& steps,
                       bool look_ahead) {
    std::exception_ptr failure;
    try {
        // A header line (skipped by HEADER true) makes the server learn the line ending
        // before the first record, or it would not count newlines inside that record's
        // quotes and its "line N" would be off.
        const std::string header = "uio\n";
        co_await send_chunk(out, header);
        std::uint64_t lines_sent = 1;
        const std::size_t keys = names.size();
        std::vector<column_spec> now = columns;
        formats::jsonl_reader reader(source, ctx.options.max_errors > 0);
        std::uint64_t consumed = 0;  // the bytes `reader` has read
        auto batches = jsonl_csv_batches(in, reader, keys, skip, guesses);
        while (auto batch = co_await batches.next()) {
            consumed += batch->bytes;
            if (!batch->widened.empty()) {
                for (auto& [i, wider] : batch->widened) kinds[i] = wider;
                if (look_ahead) {
                    look_ahead = false;
                    std::vector<json_column_kinds> ahead = kinds;
                    auto looking = widen_ahead(in, consumed, reader, skip, guesses, ahead);
                    co_await std::move(looking);
                    // Element by element: `guesses` points into `kinds`.
                    for (std::size_t i = 0; i < keys; ++i) kinds[i] = ahead[i];
                }
                for (std::size_t i = 0; i < keys; ++i) {
                    if (guesses[i]) now[i] = jsonl_column(names[i], kinds[i], true);
                }
                auto rows = batch->source;
                auto convert = [&] { return jsonl_to_csv(*rows, keys, skip, guesses); };
                const std::uint64_t bytes = batch->bytes;
                *batch = co_await offload(convert);
                batch->bytes = bytes;
                steps.pending.push_back({now, lines_sent});
                co_await send_chunk(out, std::string());
                co_await send_chunk(out, header);
            }
            ctx.take_rejects(batch->rejects, source);
            ctx.advance(batch->lines.size(), batch->bytes);
            lines_sent += batch->lines.size();
            for (std::uint32_t extra : batch->newlines) lines_sent += extra;
            if (!batch->text.empty()) co_await send_chunk(out, std::move(batch->text));
        }
        ctx.stats.blank_lines = reader.blank_lines();
    } catch (...) {
        failure = std::current_exception();
        failed = true;
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

// The JSON Lines line of the record holding line `copy_line` of the CSV sent to COPY (with
// the same `guesses`, which decide how strings were sent).
task<std::uint64_t> jsonl_line_of(input_file& in, std::string source, bool skip_bad,
                                  std::int64_t copy_line, std::size_t keys,
                                  const std::vector<std::uint64_t>& skip,
                                  const std::vector<const json_column_kinds*>& guesses) {
    formats::jsonl_reader reader(source, skip_bad);
    std::uint64_t lines = 1, last = 0;  // line 1 is the header
    auto batches = jsonl_csv_batches(in, reader, keys, skip, guesses);
    while (auto b = co_await batches.next()) {
        for (std::size_t i = 0; i < b->lines.size(); ++i) {
            lines += 1 + b->newlines[i];
            last = b->lines[i];
            if (lines >= static_cast<std::uint64_t>(copy_line)) co_return last;
        }
    }
    co_return last;
}

}  // namespace

task<void> jsonl_to_postgres(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst) {
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    input_file in = co_await open_input(src, ctx);
    const bool skip_bad = ctx.options.max_errors > 0;
    jsonl_sample sample = co_await sample_jsonl(in, src.path, skip_bad);
    std::size_t keys = sample.keys.size();
    std::vector<column_spec> columns;
    for (std::size_t i = 0; i < keys; ++i) {
        columns.push_back(jsonl_column(sample.keys[i], sample.kinds[i], true));
    }
    postgres_load_request request{dst.target.table, columns,      false,
                                  ctx.options.mode, ctx.schema(), ctx.options.key};
    request.count_upserts = ctx.options.stats_json;
    postgres_load_retry retry(ctx, src.path);
    for (std::uint64_t restarts = 0;; ++restarts) {
        retry.begin_attempt();
        std::optional<copy_failure> failed_copy;
        // Checked on our side: the columns whose inferred types made the table.
        std::vector<const json_column_kinds*> guesses(keys);
        {
            pg::connection conn = co_await connect_postgres(dst.conninfo, dst.target.schema);
            std::string options = "(FORMAT csv, HEADER true)";
            channel<std::string> csv(4);
            bool producer_failed = false;
            widening_steps steps;
            try {
                postgres_table_load load = co_await postgres_table_load::begin(conn, request);
                for (std::size_t i = 0; i < keys && load.created(); ++i) {
                    if (load.columns()[i].inferred) guesses[i] = &sample.kinds[i];
                }
                std::vector<column_spec> now = load.columns();
                // The first cut looks ahead in a plain file (a compressed one reads on only).
                const bool plain = in.kind() == compression::none;
                auto producing =
                    produce_csv(ctx, in, src.path, sample.keys, retry.skipped(), guesses,
                                sample.kinds, csv, producer_failed, load.columns(), steps, plain);
                auto loading = copy_widening(load, options, options, csv, producer_failed, steps,
                                             true, text_form::json, now);
                auto [ignored, rows] = co_await when_all(std::move(producing), std::move(loading));
                co_await load.commit();
                ctx.stats.rows = static_cast<std::uint64_t>(rows);
                ctx.stats.widenings = steps.done;
                ctx.stats.restarts = restarts;
                ctx.count_upsert(load.inserted());
                co_return;
            } catch (const pg::error& e) {
                failed_copy = copy_failure::from(e);
                if (!failed_copy) throw;
                failed_copy->copy_line += steps.line_offset;
            }
            // A retry (--max-errors) starts with the types widened so far.
            for (std::size_t i = 0; i < keys; ++i) {
                if (request.source_columns[i].inferred) {
                    request.source_columns[i] = jsonl_column(sample.keys[i], sample.kinds[i], true);
                }
            }
        }
        auto locating = jsonl_line_of(in, src.path, skip_bad, failed_copy->copy_line, keys,
                                      retry.skipped(), guesses);
        std::uint64_t line = co_await std::move(locating);
        std::string text = co_await file_line(in, line);
        retry.reject(line, failed_copy->message, text);  // throws past --max-errors
    }
}

}  // namespace uio::etl
