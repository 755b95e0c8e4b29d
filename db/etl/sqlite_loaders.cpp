// The two-stage load into SQLite, written once for every text format: the first batch
// drives the column types (and creates the table), then the rest is parsed and converted on
// the pool, handed over a bounded channel, and inserted on the SQLite worker.
#include "uio/db/etl/detail/sqlite_loaders.hpp"

#include <cctype>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "uio/core/error_kind.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/etl/detail/sqlite_table_load.hpp"
#include "uio/db/etl/detail/sqlite_upsert.hpp"
#include "uio/db/formats/csv_reader.hpp"
#include "uio/db/formats/jsonl.hpp"
#include "uio/db/formats/tsv_reader.hpp"

namespace uio::etl {

namespace {

using batch_ptr = std::shared_ptr<row_batch>;

// What the pipeline needs from a format. `feed`/`finish` run on the pool, one call at a
// time (each is awaited before the next); the rest on the loop thread.
//   batch feed(std::string_view) / batch finish()
//   static bool empty(const batch&)
//   std::vector<column_spec> columns(const batch& first, source)  // throws if none
//   bool by_position() const
//   std::uint64_t blank_lines() const  // empty lines skipped
//   std::uint64_t warnings() const     // records read leniently (csv_options::strict)
//   std::string names_line() const     // ":1" where the column names are, or ""
//   row_batch convert(const batch&, order, targets) const  // on the pool
// CSV (csv_reader) or PostgreSQL's text format (tsv_reader): the same batches.
template <class Reader>
struct csv_format {
    using batch = formats::csv_batch;
    std::shared_ptr<Reader> reader;
    std::vector<column_spec> known;  // a PostgreSQL source's column kinds
    bool no_header = false;

    batch feed(std::string_view text) { return reader->feed(text); }
    batch finish() { return reader->finish(); }
    static bool empty(const batch& b) { return b.empty(); }
    bool by_position() const { return no_header; }
    std::uint64_t blank_lines() const { return reader->blank_lines(); }
    std::uint64_t warnings() const { return reader->warnings(); }
    std::string names_line() const { return ":1"; }  // the header
    std::vector<column_spec> columns(const batch& first, const std::string& source) const {
        if (reader->width() == 0) throw data_error(source + ": no rows and no header");
        auto out = infer_csv_columns(reader->header(), reader->width(), first);
        if (!known.empty() && known.size() == out.size()) {
            for (std::size_t i = 0; i < out.size(); ++i) {
                out[i].kind = known[i].kind;
                out[i].declared = sqlite_type(known[i].kind);
                out[i].inferred = false;  // the source table's type, not a guess
            }
        }
        return out;
    }
    row_batch convert(const batch& b, const std::vector<std::size_t>& order,
                      const std::vector<column_spec>& targets) const {
        return convert_csv(b, reader->width(), order, targets);
    }
};

struct jsonl_format {
    using batch = formats::jsonl_batch;
    std::shared_ptr<formats::jsonl_reader> reader;
    std::size_t keys = 0;  // the columns known after the first batch

    batch feed(std::string_view text) { return reader->feed(text); }
    batch finish() { return reader->finish(); }
    static bool empty(const batch& b) { return b.empty(); }
    bool by_position() const { return false; }
    std::uint64_t blank_lines() const { return reader->blank_lines(); }
    std::uint64_t warnings() const { return 0; }
    std::string names_line() const { return ""; }  // keys come from any line
    std::vector<column_spec> columns(const batch& first, const std::string& source) {
        keys = reader->columns().size();
        if (keys == 0) throw data_error(source + ": no rows");
        return infer_jsonl_columns(reader->columns(), first, false);
    }
    row_batch convert(const batch& b, const std::vector<std::size_t>& order,
                      const std::vector<column_spec>& targets) const {
        return convert_jsonl(b, keys, order, targets);
    }
};

// SQLite matches column names ignoring ASCII case, so "id" and "ID" (distinct for the readers
// and PostgreSQL) would make CREATE TABLE fail with a message naming no input: said here,
// at the header's line when there is one.
void require_distinct_in_sqlite(const std::vector<column_spec>& columns, const std::string& source,
                                const std::string& where) {
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    std::unordered_map<std::string, const std::string*> seen;
    for (const column_spec& c : columns) {
        auto [it, added] = seen.emplace(lower(c.name), &c.name);
        if (added) continue;
        throw data_error(source + where + ": columns \"" + *it->second + "\" and \"" + c.name +
                         "\" are one name in SQLite, which ignores case in names");
    }
}

task<void> send_batch(channel<batch_ptr>& out, batch_ptr b) {
    auto sending = out.send(std::move(b));
    co_await sending;
}

// Inserts batches until the channel closes.
task<void> insert_all(copy_context& ctx, channel<batch_ptr>& batches, sqlite_table_load& load,
                      std::string source) {
    while (auto b = co_await batches.receive()) {
        batch_ptr batch = std::move(*b);
        ctx.take_rejects(batch->rejects, source);
        co_await load.insert(batch, source);
        ctx.advance(batch->rows(), batch->bytes);
    }
}

template <class Format>
task<void> load_into_sqlite(copy_context& ctx, channel<std::string>& chunks, Format format,
                            std::string source, sqlite::database& db, std::string table) {
    using batch = typename Format::batch;
    // The first rows: the header (or keys) and a sample for the column types — every record
    // of the chunks received until a whole chunk has given rows, or to the end of the input
    // with the last record, line end or not (as sample_first_rows).
    batch first;
    std::uint64_t first_bytes = 0;
    bool ended = false, enough = false;
    while (!enough && !ended) {
        auto chunk = co_await chunks.receive();
        if (!chunk) {
            auto finish = [&format] { return format.finish(); };
            batch rest = co_await offload(finish);
            first.append(std::move(rest));
            ended = true;
        } else {
            first_bytes += chunk->size();
            const bool whole = chunk->size() >= chunk_size;
            auto feed = [&format, text = std::move(*chunk)] { return format.feed(text); };
            batch rows = co_await offload(feed);
            first.append(std::move(rows));
            enough = whole && !Format::empty(first);
        }
    }
    std::vector<column_spec> columns = format.columns(first, source);
    require_distinct_in_sqlite(columns, source, format.by_position() ? "" : format.names_line());
    sqlite_load_request request{
        table, columns, format.by_position(), ctx.options.mode, ctx.schema(), ctx.options.key};
    request.count_upserts = ctx.options.stats_json;
    std::unique_ptr<sqlite_table_load> load = co_await sqlite_table_load::begin(db, request);
    std::vector<column_spec> targets = load->columns();
    std::vector<std::size_t> order = load->order();
    std::vector<std::size_t> key_columns = load->key_columns();
    std::vector<std::string> key = load->key();
    auto convert = [&](const batch& b, std::uint64_t bytes) {
        auto out = std::make_shared<row_batch>(format.convert(b, order, targets));
        if (!key.empty()) reject_null_keys(*out, targets.size(), key_columns, key);
        out->bytes = bytes;
        return out;
    };

    auto convert_first = [&] { return convert(first, first_bytes); };
    batch_ptr head = co_await offload(convert_first);
    ctx.take_rejects(head->rejects, source);
    co_await load->insert(head, source);
    ctx.advance(head->rows(), head->bytes);

    if (!ended) {
        channel<batch_ptr> batches(4);
        auto parse_all = [&]() -> task<void> {
            std::exception_ptr failure;
            try {
                while (auto chunk = co_await chunks.receive()) {
                    std::uint64_t bytes = chunk->size();
                    auto work = [&, text = std::move(*chunk)] {
                        return convert(format.feed(text), bytes);
                    };
                    batch_ptr b = co_await offload(work);
                    co_await send_batch(batches, std::move(b));
                }
                auto last = [&] { return convert(format.finish(), 0); };
                batch_ptr b = co_await offload(last);
                co_await send_batch(batches, std::move(b));
            } catch (...) {
                failure = std::current_exception();
            }
            batches.close();
            if (failure) std::rethrow_exception(failure);
        };
        auto parsing = parse_all();
        auto inserting = insert_all(ctx, batches, *load, source);
        co_await when_all(std::move(parsing), std::move(inserting));
    }
    co_await load->commit();
    ctx.count_upsert(load->inserted());
    ctx.stats.widenings = load->widenings();
    ctx.stats.blank_lines += format.blank_lines();
    ctx.stats.warnings += format.warnings();
}

}  // namespace

std::vector<column_spec> infer_csv_columns(const std::vector<std::string>& header,
                                           std::size_t width, const formats::csv_batch& sample) {
    std::vector<kind_inference> kinds(width);
    for (formats::csv_row r : sample) {
        if (r.size() != width) continue;  // a ragged record (a reject): its fields may be shifted
        for (std::size_t i = 0; i < width; ++i) kinds[i].observe(r[i]);
    }
    std::vector<column_spec> out;
    for (std::size_t i = 0; i < width; ++i) {
        std::string name = i < header.size() ? header[i] : "c" + std::to_string(i + 1);
        out.push_back({name, kinds[i].kind(), {}, true});
    }
    return out;
}

task<std::vector<column_spec>> sample_csv_columns(input_file& in, formats::csv_options csv) {
    std::string source = csv.source;
    auto sample = [&](auto& reader) -> task<std::vector<column_spec>> {
        formats::csv_batch rows = co_await sample_first_rows(in, reader);
        if (reader.width() == 0) throw data_error(source + ": no rows and no header");
        co_return infer_csv_columns(reader.header(), reader.width(), rows);
    };
    if (csv.text_format) {
        formats::tsv_reader reader(std::move(csv));
        co_return co_await sample(reader);
    }
    formats::csv_reader reader(std::move(csv));
    co_return co_await sample(reader);
}

task<void> load_csv_into_sqlite(copy_context& ctx, channel<std::string>& chunks,
                                formats::csv_options csv, sqlite::database& db, std::string table,
                                std::vector<column_spec> known) {
    std::string source = csv.source;
    bool no_header = !csv.header;
    if (csv.text_format) {
        csv_format<formats::tsv_reader> format{
            std::make_shared<formats::tsv_reader>(std::move(csv)), std::move(known), no_header};
        auto loading = load_into_sqlite(ctx, chunks, std::move(format), std::move(source), db,
                                        std::move(table));
        co_await std::move(loading);
        co_return;
    }
    csv_format<formats::csv_reader> format{std::make_shared<formats::csv_reader>(std::move(csv)),
                                           std::move(known), no_header};
    auto loading =
        load_into_sqlite(ctx, chunks, std::move(format), std::move(source), db, std::move(table));
    co_await std::move(loading);
}

task<void> load_jsonl_into_sqlite(copy_context& ctx, channel<std::string>& chunks,
                                  std::string source, sqlite::database& db, std::string table) {
    jsonl_format format{std::make_shared<formats::jsonl_reader>(source, ctx.options.max_errors > 0),
                        0};
    auto loading =
        load_into_sqlite(ctx, chunks, std::move(format), std::move(source), db, std::move(table));
    co_await std::move(loading);
}

}  // namespace uio::etl
