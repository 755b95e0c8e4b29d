#include "sqlite_loaders.hpp"

#include <memory>
#include <stdexcept>

#include "sqlite_table_load.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/formats/csv_reader.hpp"
#include "uio/db/formats/jsonl.hpp"

namespace uio::etl {

namespace {

constexpr std::size_t sample_rows = 10'000;

using batch_ptr = std::shared_ptr<row_batch>;

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

}  // namespace

std::vector<column_spec> infer_csv_columns(const std::vector<std::string>& header,
                                           std::size_t width, const formats::csv_batch& sample) {
    std::vector<kind_inference> kinds(width);
    std::size_t n = 0;
    for (formats::csv_row r : sample) {
        if (++n > sample_rows) break;
        for (std::size_t i = 0; i < width && i < r.size(); ++i) kinds[i].observe(r[i]);
    }
    std::vector<column_spec> out;
    for (std::size_t i = 0; i < width; ++i) {
        std::string name = i < header.size() ? header[i] : "c" + std::to_string(i + 1);
        out.push_back({name, kinds[i].kind(), {}});
    }
    return out;
}

task<void> load_csv_into_sqlite(copy_context& ctx, channel<std::string>& chunks,
                                formats::csv_options csv, sqlite::database& db, std::string table,
                                std::vector<column_spec> known) {
    std::string source = csv.source;
    bool by_position = !csv.header;
    // Touched by one pool thread at a time: each feed is awaited before the next.
    auto reader = std::make_shared<formats::csv_reader>(std::move(csv));

    // The first rows: the header and a sample for the column types.
    formats::csv_batch first;
    std::uint64_t first_bytes = 0;
    bool ended = false;
    while (first.empty() && !ended) {
        auto chunk = co_await chunks.receive();
        if (!chunk) {
            auto finish = [reader] { return reader->finish(); };
            first = co_await offload(finish);
            ended = true;
        } else {
            first_bytes += chunk->size();
            auto feed = [reader, text = std::move(*chunk)] { return reader->feed(text); };
            first = co_await offload(feed);
        }
    }
    if (reader->width() == 0) throw std::runtime_error(source + ": no rows and no header");

    std::vector<column_spec> columns = infer_csv_columns(reader->header(), reader->width(), first);
    if (!known.empty() && known.size() == columns.size()) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            columns[i].kind = known[i].kind;
            columns[i].declared = sqlite_type(known[i].kind);
        }
    }
    sqlite_load_request request{table, columns, by_position, ctx.options.mode, ctx.schema()};
    std::unique_ptr<sqlite_table_load> load = co_await sqlite_table_load::begin(db, request);
    std::vector<column_spec> targets = load->columns();
    std::vector<std::size_t> order = load->order();
    std::size_t width = reader->width();

    auto convert_first = [&] {
        return std::make_shared<row_batch>(convert_csv(first, width, order, targets));
    };
    batch_ptr head = co_await offload(convert_first);
    head->bytes = first_bytes;
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
                        formats::csv_batch b = reader->feed(text);
                        return std::make_shared<row_batch>(convert_csv(b, width, order, targets));
                    };
                    batch_ptr b = co_await offload(work);
                    b->bytes = bytes;
                    co_await send_batch(batches, std::move(b));
                }
                auto last = [&] {
                    formats::csv_batch b = reader->finish();
                    return std::make_shared<row_batch>(convert_csv(b, width, order, targets));
                };
                batch_ptr b = co_await offload(last);
                b->bytes = 0;
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
}

task<void> load_jsonl_into_sqlite(copy_context& ctx, channel<std::string>& chunks,
                                  std::string source, sqlite::database& db, std::string table) {
    auto reader = std::make_shared<formats::jsonl_reader>(source);
    auto first = std::make_shared<formats::jsonl_batch>();
    std::uint64_t first_bytes = 0;
    bool ended = false;
    while (first->empty() && !ended) {
        auto chunk = co_await chunks.receive();
        if (!chunk) {
            auto finish = [reader] { return reader->finish(); };
            *first = co_await offload(finish);
            ended = true;
        } else {
            first_bytes += chunk->size();
            auto feed = [reader, text = std::move(*chunk)] { return reader->feed(text); };
            *first = co_await offload(feed);
        }
    }
    std::size_t keys = reader->columns().size();
    if (keys == 0) throw std::runtime_error(source + ": no rows");

    // Strings are text even when they look like numbers ("02134"); numbers are inferred.
    std::vector<kind_inference> kinds(keys);
    for (std::size_t n = 0; n < first->size() && n < sample_rows; ++n) {
        auto r = (*first)[n];
        for (std::size_t i = 0; i < keys; ++i) {
            formats::json_field f = r[i];
            if (f.kind == formats::json_kind::number)
                kinds[i].observe(f.text);
            else if (f.kind == formats::json_kind::boolean)
                kinds[i].observe("0");
            else if (!f.is_null())
                kinds[i].observe("text");
        }
    }
    std::vector<column_spec> columns;
    for (std::size_t i = 0; i < keys; ++i) {
        columns.push_back({reader->columns()[i], kinds[i].kind(), {}});
    }
    sqlite_load_request request{table, columns, false, ctx.options.mode, ctx.schema()};
    std::unique_ptr<sqlite_table_load> load = co_await sqlite_table_load::begin(db, request);
    std::vector<column_spec> targets = load->columns();
    std::vector<std::size_t> order = load->order();

    auto convert = [&](const formats::jsonl_batch& b, std::uint64_t bytes) {
        auto out = std::make_shared<row_batch>(convert_jsonl(b, keys, order, targets));
        out->bytes = bytes;
        return out;
    };
    auto convert_first = [&] { return convert(*first, first_bytes); };
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
                        return convert(reader->feed(text), bytes);
                    };
                    batch_ptr b = co_await offload(work);
                    co_await send_batch(batches, std::move(b));
                }
                auto last = [&] { return convert(reader->finish(), 0); };
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
}

}  // namespace uio::etl
