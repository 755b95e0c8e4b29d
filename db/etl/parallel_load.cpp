// parallel_load: the reader, the N COPY streams, and a COPY error's way back to its line.
#include "uio/db/etl/detail/parallel_load.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <variant>

#include "uio/core/error_kind.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/copy_end_marker.hpp"
#include "uio/db/etl/detail/csv_block_splitter.hpp"
#include "uio/db/etl/detail/csv_check_ahead.hpp"
#include "uio/db/etl/detail/csv_record_count.hpp"
#include "uio/db/etl/detail/csv_value_check.hpp"
#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/etl/detail/postgres_load_retry.hpp"
#include "uio/db/etl/detail/postgres_staging_table.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/etl/detail/postgres_widening.hpp"
#include "uio/db/etl/detail/sqlite_loaders.hpp"
#include "uio/db/formats/csv_reader.hpp"

namespace uio::etl {

namespace {

constexpr std::size_t max_connections = 64;
// Blocks waiting per stream: one being sent, one ready, so a stream never waits for the
// reader while the reader is ahead.
constexpr std::size_t queued_blocks = 2;

// Where a block went: its stream, the line of that stream (COPY's count, its header line
// being line 1) where the block begins, and where it came from: the file's line (CSV) or the
// ordinal of its first record (JSON Lines).
struct block_origin {
    std::size_t segment;  // the COPYs between two widenings (postgres_widen_in_place.hpp)
    std::size_t stream;
    std::uint64_t stream_line;
    std::uint64_t origin;
};

// The streams' queues, and the log of which block went where.
class stream_fanout {
  public:
    explicit stream_fanout(std::size_t n) : next_line_(n, 2) {
        for (std::size_t i = 0; i < n; ++i) {
            queues_.push_back(std::make_unique<channel<std::string>>(queued_blocks));
        }
    }

    std::size_t size() const noexcept { return queues_.size(); }
    channel<std::string>& queue(std::size_t i) noexcept { return *queues_[i]; }
    // Set when the reader stopped early: a stream must not end its COPY as if the input had.
    bool failed = false;

    // The same header line to every stream, before any block.
    task<void> send_header(std::string line) {
        header_ = line;
        for (auto& q : queues_) co_await send_chunk(*q, line);
    }

    // A cut in every stream: each ends its COPY there (an empty chunk), and the next COPYs,
    // once the table has widened, start with the header line again, counting from it.
    task<void> cut() {
        for (auto& q : queues_) co_await send_chunk(*q, std::string());
        ++segment_;
        std::fill(next_line_.begin(), next_line_.end(), 2);
        for (auto& q : queues_) co_await send_chunk(*q, header_);
    }

    // `block` (with `lines` line ends) to the first stream in turn with room in its queue,
    // else to the next in turn, once it has room: a slow stream gets fewer blocks.
    task<void> send(std::string block, std::uint64_t lines, std::uint64_t origin) {
        std::size_t pick = turn_;
        for (std::size_t i = 0; i < queues_.size(); ++i) {
            std::size_t k = (turn_ + i) % queues_.size();
            if (queues_[k]->size() < queues_[k]->capacity()) {
                pick = k;
                break;
            }
        }
        turn_ = (pick + 1) % queues_.size();
        log_.push_back({segment_, pick, next_line_[pick], origin});
        next_line_[pick] += lines;
        co_await send_chunk(*queues_[pick], std::move(block));
    }

    void close(bool early) noexcept {
        failed = early;
        for (auto& q : queues_) q->close();
    }

    // The block holding line `line` of stream `stream` in `segment` (null: none does).
    const block_origin* find(std::size_t segment, std::size_t stream,
                             std::uint64_t line) const noexcept {
        const block_origin* found = nullptr;
        for (const block_origin& b : log_) {
            if (b.segment == segment && b.stream == stream && b.stream_line <= line) found = &b;
        }
        return found;
    }

  private:
    std::vector<std::unique_ptr<channel<std::string>>> queues_;
    std::vector<std::uint64_t> next_line_;
    std::vector<block_origin> log_;
    std::size_t turn_ = 0;
    std::size_t segment_ = 0;
    std::string header_;
};

// A COPY error the server tied to a line of one stream.
struct stream_failure {
    std::size_t segment = 0;
    std::size_t stream = 0;
    copy_failure failure;
};

// One COPY of stream `k`, up to a cut (sets `cut`) or the end of its queue; a reader that
// stopped early must not look like the end of the input (the COPY would commit part of
// it), so that throws instead (segment_bytes).
task<std::int64_t> copy_stream(pg::connection& conn, std::string sql, stream_fanout& fanout,
                               std::size_t k, std::size_t segment,
                               std::optional<stream_failure>& first, char& cut) {
    try {
        bool ended_at_cut = false;
        auto bytes = segment_bytes(fanout.queue(k), fanout.failed, ended_at_cut);
        std::int64_t rows = co_await conn.copy_in(std::move(sql), std::move(bytes));
        cut = ended_at_cut ? 1 : 0;
        co_return rows;
    } catch (const pg::error& e) {
        if (!first) {
            if (auto located = copy_failure::from(e))
                first = stream_failure{segment, k, std::move(*located)};
        }
        throw;
    }
}

// The N streams' COPYs, again after each cut, once the staging table has widened to the
// cut's step on the control connection (every stream has ended its COPY: nothing else holds
// the table). Returns the rows of all.
task<std::int64_t> copy_streams(std::vector<pg::connection>& conns, std::string sql,
                                stream_fanout& fanout, postgres_staging_table& staging,
                                widening_steps& steps, text_form form,
                                std::optional<stream_failure>& first) {
    std::int64_t total = 0;
    for (std::size_t segment = 0;; ++segment) {
        std::vector<char> cuts(conns.size(), 0);
        std::vector<task<std::int64_t>> streams;
        for (std::size_t k = 0; k < conns.size(); ++k) {
            streams.push_back(copy_stream(conns[k], sql, fanout, k, segment, first, cuts[k]));
        }
        std::vector<std::int64_t> rows = co_await when_all(std::move(streams));
        for (std::int64_t r : rows) total += r;
        if (std::find(cuts.begin(), cuts.end(), 1) == cuts.end()) co_return total;
        widening_step step = std::move(steps.pending.front());
        steps.pending.pop_front();
        const bool changed = co_await staging.widen(std::move(step.columns), form);
        if (changed) ++steps.done;
    }
}

task<std::vector<pg::connection>> connect_all(std::string conninfo, std::string schema,
                                              std::size_t n) {
    std::vector<task<pg::connection>> connecting;
    for (std::size_t i = 0; i < n; ++i) connecting.push_back(connect_postgres(conninfo, schema));
    co_return co_await when_all(std::move(connecting));
}

bool is_pg_error(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const pg::error&) {
        return true;
    } catch (...) {
        return false;
    }
}

// What an attempt gives back when it did not publish: the COPY error to locate (or nothing,
// when it was published), and the columns of a staging table that was to become the target.
struct attempt_result {
    std::optional<stream_failure> failed;
    std::vector<column_spec> created_with;
};

// Fills the streams' queues (and closes them), once the staging table is there; pushes a
// step on the widening_steps for each cut it makes.
using produce_fn =
    std::function<task<void>(stream_fanout&, const postgres_staging_table&, widening_steps&)>;
using options_fn = std::function<std::string(const pg::connection&)>;

// One attempt: the staging table, N COPY streams fed by `produce`, publish. Any failure drops
// the staging table; a stream's COPY error comes back to be located, others are thrown.
task<attempt_result> run_attempt(copy_context& ctx, const postgres_endpoint& dst,
                                 postgres_load_request request, options_fn options_for,
                                 produce_fn produce, stream_fanout& fanout, text_form form) {
    attempt_result out;
    pg::connection control = co_await connect_postgres(dst.conninfo, dst.target.schema);
    postgres_staging_table staging =
        co_await postgres_staging_table::create(control, std::move(request));
    if (staging.created()) out.created_with = staging.columns();
    std::exception_ptr failure;
    try {
        std::vector<pg::connection> conns =
            co_await connect_all(dst.conninfo, dst.target.schema, fanout.size());
        std::string sql = staging.copy_sql(control, options_for(control));
        widening_steps steps;
        auto producing = produce(fanout, staging, steps);
        auto loading = copy_streams(conns, sql, fanout, staging, steps, form, out.failed);
        auto [ignored, rows] = co_await when_all(std::move(producing), std::move(loading));
        co_await staging.publish();
        ctx.stats.rows = static_cast<std::uint64_t>(rows);
        ctx.stats.widenings = steps.done;
        out.failed.reset();
        co_return out;
    } catch (...) {
        failure = std::current_exception();
    }
    std::string why = co_await staging.drop(dst.conninfo, dst.target.schema);
    if (!why.empty()) {
        ctx.err << "ucopy: could not drop the staging table " << staging.name() << ": " << why
                << "\n";
    }
    if (out.failed && is_pg_error(failure)) co_return out;
    std::rethrow_exception(failure);
}

// --- CSV ---

// Every stream starts with a line that HEADER skips: the file's header, or (no header) a
// dummy line with the line ending of the file's first record, from which the server learns
// the file's line ending before the first record, as it does from a header.
std::string stream_header(const formats::csv_options& csv, const std::string& first_record) {
    if (csv.header) return first_record;
    return copy_dummy_header(csv, first_record.ends_with("\r\n"));
}

// Sends `block` (whole records, the first on file line `line`) less its empty lines, which
// the server would refuse in a file of several columns (csv_reader skips them): the pieces
// between them go as blocks of their own, each with its line, so errors still map back.
// Free for a block without "\n\n" or "\n\r\n" (memmem); else one scan for quotes.
task<void> send_without_blank_lines(stream_fanout& fanout, std::string block, std::uint64_t line,
                                    char quote, std::uint64_t& blank_lines) {
    auto has = [&](std::string_view what) {
        return ::memmem(block.data(), block.size(), what.data(), what.size()) != nullptr;
    };
    const bool starts_blank = block.starts_with("\n") || block.starts_with("\r\n");
    if (!starts_blank && !has("\n\n") && !has("\n\r\n")) {
        auto lines = static_cast<std::uint64_t>(std::count(block.begin(), block.end(), '\n'));
        co_await fanout.send(std::move(block), lines, line);
        co_return;
    }
    auto send_piece = [&](std::size_t from, std::size_t to, std::uint64_t first) -> task<void> {
        std::string part = block.substr(from, to - from);
        auto lines = static_cast<std::uint64_t>(std::count(part.begin(), part.end(), '\n'));
        co_await fanout.send(std::move(part), lines, first);
    };
    std::size_t piece = 0;                       // where the piece in progress starts
    std::size_t record = 0;                      // where the record in progress starts
    std::uint64_t piece_line = line, at = line;  // `at`: the line of position i
    bool quoted = false;
    for (std::size_t i = 0; i < block.size(); ++i) {
        const char c = block[i];
        if (c == quote) quoted = !quoted;
        if (c != '\n') continue;
        if (!quoted) {
            const bool empty = i == record || (i == record + 1 && block[record] == '\r');
            if (empty) {
                if (record > piece) {
                    auto sending = send_piece(piece, record, piece_line);
                    co_await std::move(sending);
                }
                ++blank_lines;
                piece = i + 1;
                piece_line = at + 1;
            }
            record = i + 1;
        }
        ++at;
    }
    if (block.size() > piece) {
        auto sending = send_piece(piece, block.size(), piece_line);
        co_await std::move(sending);
    }
}

// With `check` (a table the load creates), each block is sent once its values are checked
// (csv_value_check.hpp; it reads the block as it is and skips empty lines as they are left
// out here); a block with a value that widens a column goes after a cut in every stream,
// with `columns` widened to the check's kinds in `steps` (postgres_widen_in_place.hpp).
//
// With `ahead` (a plain file: csv_check_ahead.hpp), the check runs over the whole file ahead
// of the blocks instead, a block goes once the check has passed it, and there is one cut,
// with the file's final types, as soon as the check has reached the end.
task<void> produce_csv_blocks(copy_context& ctx, input_file& in, formats::csv_options csv,
                              bool skip_blank, stream_fanout& fanout, csv_value_check* check,
                              csv_check_ahead* ahead, const std::vector<column_spec>& columns,
                              widening_steps& steps) {
    std::exception_ptr failure;
    try {
        std::uint64_t stream_end = 0;  // where the block in hand ends in the stream
        bool cut_ahead = false;
        const char quote = csv.text_format ? '\0' : csv.quote;
        std::uint64_t blank_lines = 0;
        copy_end_marker_guard guard;
        csv_block_splitter splitter(quote, chunk_size);
        csv_record_count records(quote);  // for the progress line
        std::vector<std::string> blocks;
        std::string chunk;
        std::uint64_t offset = 0, file_line = 1;
        bool first = true;
        for (;;) {
            const bool at_start = offset == 0;
            std::size_t n = co_await read_next_chunk(in, chunk, offset);
            ctx.advance(records.feed(std::string_view(chunk.data(), n)), n);
            std::string_view text(chunk.data(), n);
            if (at_start && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
            guard.feed(text, csv.source);
            if (n == 0) {
                guard.finish(csv.source);
                splitter.finish(blocks);
            } else {
                splitter.feed(text, blocks);
            }
            for (std::size_t b = 0; b < blocks.size(); ++b) {
                std::string& block = blocks[b];
                stream_end += block.size();
                if (check && !ahead) {
                    const std::uint64_t before = check->widenings();
                    // The file's last record may have no line end: the check ends it
                    // (finish) before its block is sent, so that it can still widen.
                    const bool last = n == 0 && b + 1 == blocks.size();
                    auto checking = [check, &block, last] {
                        check->feed(block);
                        if (last) check->finish();
                    };
                    co_await offload(checking);
                    if (check->widenings() != before) {
                        steps.pending.push_back({with_kinds(columns, check->kinds()), 0});
                        co_await fanout.cut();
                    }
                }
                auto lines =
                    static_cast<std::uint64_t>(std::count(block.begin(), block.end(), '\n'));
                if (first) {
                    first = false;
                    std::string header = stream_header(csv, block);
                    co_await fanout.send_header(std::move(header));
                    if (csv.header) {
                        file_line += lines;
                        continue;
                    }
                }
                while (ahead && !ahead->done() && !ahead->passed(stream_end)) {
                    co_await ahead->progress();
                }
                if (ahead && ahead->failed()) throw std::runtime_error("the value check failed");
                if (ahead && ahead->done() && ahead->widened() && !cut_ahead) {
                    cut_ahead = true;
                    steps.pending.push_back({with_kinds(columns, check->kinds()), 0});
                    co_await fanout.cut();
                }
                std::uint64_t starts = file_line;
                file_line += lines;
                if (skip_blank) {
                    auto sending = send_without_blank_lines(fanout, std::move(block), starts, quote,
                                                            blank_lines);
                    co_await std::move(sending);
                } else {
                    co_await fanout.send(std::move(block), lines, starts);
                }
            }
            blocks.clear();
            if (n == 0) break;
        }
        ctx.stats.blank_lines = blank_lines;
        if (check && !ahead) {
            // Input our parser refused and the server took: not loaded unchecked.
            if (check->failure()) std::rethrow_exception(check->failure());
        }
    } catch (...) {
        failure = std::current_exception();
        if (ahead) ahead->stop();
    }
    fanout.close(failure != nullptr);
    if (failure) std::rethrow_exception(failure);
}

// produce_csv_blocks, with the check run ahead over `in` (a plain file) when there is one.
task<void> produce_checked_csv_blocks(copy_context& ctx, input_file& in, formats::csv_options csv,
                                      bool skip_blank, stream_fanout& fanout,
                                      csv_value_check* check,
                                      const std::vector<column_spec>& columns,
                                      widening_steps& steps) {
    if (!check || in.kind() != compression::none) {
        auto producing = produce_csv_blocks(ctx, in, std::move(csv), skip_blank, fanout, check,
                                            nullptr, columns, steps);
        co_await std::move(producing);
        co_return;
    }
    csv_check_ahead ahead(*check);
    auto checking = ahead.run(in);
    auto producing = produce_csv_blocks(ctx, in, std::move(csv), skip_blank, fanout, check, &ahead,
                                        columns, steps);
    co_await when_all(std::move(checking), std::move(producing));
    // As produce_csv_blocks says, once the check has ended (nothing is published before).
    if (check->failure()) std::rethrow_exception(check->failure());
}

// The line where the record holding physical line `line` of the file starts (every line end
// counted); nullopt when that record is an unterminated quoted field running to the end.
task<std::optional<std::uint64_t>> csv_record_start(input_file& in, std::uint64_t line,
                                                    char quote) {
    std::string chunk;
    std::uint64_t offset = 0, at = 1, start = 1;
    bool quoted = false;
    for (;;) {
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        if (n == 0) break;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = chunk[i];
            if (c == quote) {
                quoted = !quoted;
            } else if (c == '\n') {
                if (!quoted) {
                    if (at >= line) co_return start;
                    start = at + 1;
                }
                ++at;
            }
        }
    }
    if (quoted) co_return std::nullopt;
    co_return start;
}

task<void> parallel_csv(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst,
                        input_file& in) {
    formats::csv_options csv = ctx.csv_for(src.path, src.format);
    csv.allow_ragged = false;
    std::vector<column_spec> columns = co_await sample_csv_columns(in, csv);
    postgres_load_request request{dst.target.table, columns,      !csv.header,
                                  ctx.options.mode, ctx.schema(), {}};
    for (std::uint64_t restarts = 0;; ++restarts) {
        ctx.stats = {};
        stream_fanout fanout(ctx.options.connections);
        std::unique_ptr<csv_value_check> check;
        produce_fn produce = [&](stream_fanout& f, const postgres_staging_table& staging,
                                 widening_steps& steps) {
            check = std::make_unique<csv_value_check>(
                csv, checked_kinds(staging.columns(), staging.created()));
            return produce_checked_csv_blocks(ctx, in, csv, columns.size() > 1, f,
                                              check->active() ? check.get() : nullptr,
                                              staging.columns(), steps);
        };
        options_fn options_for = [&](const pg::connection& conn) {
            return copy_options(conn, csv, true);
        };
        attempt_result r =
            co_await run_attempt(ctx, dst, request, options_for, produce, fanout, text_form::copy);
        if (!r.failed) {
            ctx.stats.restarts = restarts;
            co_return;
        }
        const copy_failure& failed = r.failed->failure;
        // The server refused a value of an inferred column (postgres_widening.hpp): again,
        // with that column wider and those widened before.
        if (check) apply_widening(*check, r.created_with);
        if (check) apply_widening(*check, request.source_columns);
        if (widen_refused_column(request.source_columns, r.created_with, failed)) continue;
        auto copy_line = static_cast<std::uint64_t>(std::max<std::int64_t>(failed.copy_line, 1));
        const block_origin* block = fanout.find(r.failed->segment, r.failed->stream, copy_line);
        std::uint64_t line = block ? block->origin + (copy_line - block->stream_line) : 1;
        std::optional<std::uint64_t> start =
            co_await csv_record_start(in, line, csv.text_format ? '\0' : csv.quote);
        if (!start) {
            throw data_error(src.path + ": " + failed.message +
                             " (an unterminated quoted field runs to the end)");
        }
        throw data_error(src.path + ":" + std::to_string(*start) + ": " + failed.message);
    }
}

// --- JSON Lines ---

// As jsonl_to_postgres sends it: each chunk parsed and turned into CSV on the thread pool;
// each batch is a block. A batch with a value that does not fit `kinds` (those `guesses`
// points to) widens them, is converted again, and goes after a cut in every stream, with
// the columns' new types in `steps` (postgres_widen_in_place.hpp).
task<void> produce_jsonl_blocks(copy_context& ctx, input_file& in, std::string source,
                                const std::vector<std::string>& names,
                                const std::vector<const json_column_kinds*>& guesses,
                                std::vector<json_column_kinds>& kinds,
                                std::vector<column_spec> columns, stream_fanout& fanout,
                                widening_steps& steps) {
    std::exception_ptr failure;
    const std::size_t keys = names.size();
    try {
        // A header line, as for CSV: HEADER skips it.
        std::string header = "uio\n";
        co_await fanout.send_header(std::move(header));
        formats::jsonl_reader reader(source);
        const std::vector<std::uint64_t> skip;
        std::uint64_t records = 0;
        auto batches = jsonl_csv_batches(in, reader, keys, skip, guesses);
        while (auto batch = co_await batches.next()) {
            if (!batch->widened.empty()) {
                for (auto& [i, wider] : batch->widened) {
                    kinds[i] = wider;
                    columns[i] = jsonl_column(names[i], wider, true);
                }
                auto rows = batch->source;
                auto convert = [&] { return jsonl_to_csv(*rows, keys, skip, guesses); };
                const std::uint64_t bytes = batch->bytes;
                *batch = co_await offload(convert);
                batch->bytes = bytes;
                steps.pending.push_back({columns, 0});
                co_await fanout.cut();
            }
            ctx.take_rejects(batch->rejects, source);
            ctx.advance(batch->lines.size(), batch->bytes);
            if (!batch->text.empty()) {
                std::uint64_t lines = batch->lines.size();
                for (std::uint32_t extra : batch->newlines) lines += extra;
                std::uint64_t first = records;
                records += batch->lines.size();
                co_await fanout.send(std::move(batch->text), lines, first);
            }
        }
    } catch (...) {
        failure = std::current_exception();
    }
    fanout.close(failure != nullptr);
    if (failure) std::rethrow_exception(failure);
}

// The JSON Lines line of the record that ends on line `copy_line` of a stream whose block
// (starting on `stream_line`) began with record number `first_record` (from 0): the file
// converted again, with the same `guesses`, which decide how strings were sent.
task<std::uint64_t> jsonl_line_of(input_file& in, std::string source, std::size_t keys,
                                  const std::vector<const json_column_kinds*>& guesses,
                                  std::uint64_t first_record, std::uint64_t stream_line,
                                  std::uint64_t copy_line) {
    formats::jsonl_reader reader(source);
    const std::vector<std::uint64_t> skip;
    std::uint64_t ordinal = 0, end = stream_line - 1, last = 0;
    auto batches = jsonl_csv_batches(in, reader, keys, skip, guesses);
    while (auto b = co_await batches.next()) {
        for (std::size_t i = 0; i < b->lines.size(); ++i) {
            if (ordinal++ < first_record) continue;
            end += 1 + b->newlines[i];
            last = b->lines[i];
            if (end >= copy_line) co_return last;
        }
    }
    co_return last;
}

task<void> parallel_jsonl(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst,
                          input_file& in) {
    formats::jsonl_reader sampler(src.path);
    formats::jsonl_batch sample = co_await sample_first_rows(in, sampler);
    if (sampler.columns().empty()) throw data_error(src.path + ": no rows");
    const std::vector<std::string> names = sampler.columns();
    std::vector<json_column_kinds> kinds = observe_jsonl_columns(names, sample);
    const std::size_t keys = names.size();
    std::vector<column_spec> columns;
    for (std::size_t i = 0; i < keys; ++i)
        columns.push_back(jsonl_column(names[i], kinds[i], true));
    postgres_load_request request{dst.target.table, columns,      false,
                                  ctx.options.mode, ctx.schema(), {}};
    for (std::uint64_t restarts = 0;; ++restarts) {
        ctx.stats = {};
        stream_fanout fanout(ctx.options.connections);
        // Checked on our side: the columns whose inferred types make the table.
        std::vector<const json_column_kinds*> guesses(keys);
        produce_fn produce = [&](stream_fanout& f, const postgres_staging_table& staging,
                                 widening_steps& steps) {
            for (std::size_t i = 0; i < keys && staging.created(); ++i) {
                if (staging.columns()[i].inferred) guesses[i] = &kinds[i];
            }
            return produce_jsonl_blocks(ctx, in, src.path, names, guesses, kinds, staging.columns(),
                                        f, steps);
        };
        options_fn options_for = [](const pg::connection&) {
            return std::string("(FORMAT csv, HEADER true)");
        };
        attempt_result r =
            co_await run_attempt(ctx, dst, request, options_for, produce, fanout, text_form::json);
        if (!r.failed) {
            ctx.stats.restarts = restarts;
            co_return;
        }
        const copy_failure& failed = r.failed->failure;
        auto copy_line = static_cast<std::uint64_t>(std::max<std::int64_t>(failed.copy_line, 1));
        const block_origin* block = fanout.find(r.failed->segment, r.failed->stream, copy_line);
        auto locating = jsonl_line_of(in, src.path, keys, guesses, block ? block->origin : 0,
                                      block ? block->stream_line : 2, copy_line);
        std::uint64_t line = co_await std::move(locating);
        throw data_error(src.path + ":" + std::to_string(line) + ": " + failed.message);
    }
}

}  // namespace

void check_connections_option(const table_copy_options& o, const endpoint& source,
                              const endpoint& destination) {
    if (o.connections == 0) throw usage_error("--connections must be at least 1");
    if (o.connections > max_connections) {
        throw usage_error("--connections is at most " + std::to_string(max_connections));
    }
    if (o.connections == 1) return;
    if (!std::holds_alternative<data_file_endpoint>(source) ||
        !std::holds_alternative<postgres_endpoint>(destination)) {
        throw usage_error(
            "--connections loads a data file (CSV, TSV, JSON Lines) into a PostgreSQL table");
    }
    if (o.max_errors > 0) {
        throw usage_error("--max-errors needs one connection (leave out --connections)");
    }
    if (o.mode == load_mode::upsert) {
        throw usage_error("--mode upsert needs one connection (leave out --connections)");
    }
}

task<void> parallel_file_to_postgres(copy_context& ctx, data_file_endpoint src,
                                     postgres_endpoint dst) {
    if (dst.target.is_query()) throw usage_error("a query cannot be a destination");
    input_file in = co_await open_input(src, ctx);
    if (src.format == data_format::jsonl) {
        co_await parallel_jsonl(ctx, std::move(src), std::move(dst), in);
    } else {
        co_await parallel_csv(ctx, std::move(src), std::move(dst), in);
    }
}

}  // namespace uio::etl
