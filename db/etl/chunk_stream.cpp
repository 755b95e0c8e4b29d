#include "uio/db/etl/detail/chunk_stream.hpp"

#include "uio/db/etl/detail/copy_end_marker.hpp"
#include "uio/db/etl/detail/csv_record_count.hpp"

#include <cstring>
#include <exception>
#include <stdexcept>
#include <utility>

namespace uio::etl {

task<input_file> open_input(const data_file_endpoint& source, copy_context& ctx) {
    input_file in = co_await input_file::open(source.path, source.compressed);
    ctx.input_size = source.compressed == compression::none ? in.disk_size() : 0;
    co_return in;
}

async_generator<std::span<const std::byte>> channel_bytes(channel<std::string>& in,
                                                          const bool& failed) {
    while (auto chunk = co_await in.receive()) {
        std::string held = std::move(*chunk);
        co_yield std::as_bytes(std::span(held.data(), held.size()));
    }
    if (failed) throw std::runtime_error("the input failed during the load");
}

task<void> send_chunk(channel<std::string>& out, std::string text) {
    auto sending = out.send(std::move(text));
    co_await sending;
}

task<std::size_t> read_next_chunk(input_file& in, std::string& chunk, std::uint64_t& offset) {
    return in.read(chunk, offset);
}

task<void> read_chunks(input_file& in, std::uint64_t offset, channel<std::string>& out) {
    std::exception_ptr failure;
    try {
        for (;;) {
            std::string chunk;  // a new one each time: the channel takes it
            if (co_await read_next_chunk(in, chunk, offset) == 0) break;
            co_await send_chunk(out, std::move(chunk));
        }
    } catch (...) {
        failure = std::current_exception();
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

async_generator<std::span<const std::byte>> file_bytes(input_file& in, copy_context& ctx,
                                                       std::string source, char quote) {
    csv_record_count records(quote);
    const bool count = ctx.counts_rows();  // --no-progress: no scan for the count
    std::string chunk;
    std::uint64_t offset = 0;
    copy_end_marker_guard guard;
    for (;;) {
        const bool first = offset == 0;
        std::size_t n = co_await in.read(chunk, offset);
        if (n == 0) break;
        std::size_t skip = 0;
        if (first && n >= 3 && chunk.compare(0, 3, "\xEF\xBB\xBF") == 0) skip = 3;
        ctx.advance(count ? records.feed(std::string_view(chunk.data(), n)) : 0, n);
        guard.feed(std::string_view(chunk.data() + skip, n - skip), source);
        co_yield std::as_bytes(std::span(chunk.data() + skip, n - skip));
    }
    guard.finish(source);
}

task<void> write_chunks(channel<std::string>& in, export_file& out) {
    while (auto chunk = co_await in.receive()) co_await out.write(*chunk);
}

async_generator<jsonl_csv_batch> jsonl_csv_batches(
    input_file& in, formats::jsonl_reader& reader, std::size_t keys,
    const std::vector<std::uint64_t>& skip, const std::vector<const json_column_kinds*>& guesses) {
    std::string chunk;
    std::uint64_t offset = 0;
    for (;;) {
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        auto convert = [&] {
            auto rows = n == 0 ? reader.finish() : reader.feed(chunk);
            jsonl_csv_batch out = jsonl_to_csv(rows, keys, skip, guesses);
            if (!out.widened.empty()) {
                out.source = std::make_shared<const formats::jsonl_batch>(std::move(rows));
            }
            return out;
        };
        jsonl_csv_batch batch = co_await offload(convert);
        batch.bytes = n;
        co_yield std::move(batch);
        if (n == 0) co_return;
    }
}

}  // namespace uio::etl
