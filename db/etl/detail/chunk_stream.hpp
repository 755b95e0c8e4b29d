// chunk_stream: bytes moving between the ring and the pipeline stages. Files are read and
// written in ~1 MiB chunks through input_file and export_file (which decompress and
// compress .gz and .zst files on the thread pool); stages hand chunks over bounded channels, so a
// fast reader waits for a slow parser instead of filling memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "uio/core/async_generator.hpp"
#include "uio/core/channel.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/task.hpp"
#include "uio/db/etl/detail/copy_context.hpp"
#include "uio/db/etl/detail/export_file.hpp"
#include "uio/db/etl/detail/input_file.hpp"
#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/etl/endpoint.hpp"
#include "uio/uring/file.hpp"

namespace uio::etl {

// Opens the data file for reading ("sales.csv: No such file or directory" when missing),
// through a decompressor when it is compressed, and notes its size in ctx.input_size for
// the progress line (not for a compressed file, whose text size is unknown).
task<input_file> open_input(const data_file_endpoint& source, copy_context& ctx);

// Reads up to chunk_size bytes of `in` at `offset` into `chunk` (resized to what came) and
// moves `offset` past them; returns the count, 0 at the end.
task<std::size_t> read_next_chunk(input_file& in, std::string& chunk, std::uint64_t& offset);

// The JSON Lines text of `in` from its start as CSV for COPY: each chunk fed to `reader` and
// turned into CSV on the thread pool (jsonl_to_csv, with its rules for `skip` and
// `guesses`), the reader's finish() last. A batch's `bytes` is the text it came from (0 for
// the last). The loads and their line mapping all read a file this one way.
async_generator<jsonl_csv_batch> jsonl_csv_batches(
    input_file& in, formats::jsonl_reader& reader, std::size_t keys,
    const std::vector<std::uint64_t>& skip, const std::vector<const json_column_kinds*>& guesses);

// The first rows of `in`, for sampling column types: feeds `reader` (csv_reader or
// jsonl_reader) chunk by chunk from the start, parsing on the thread pool, until a whole
// chunk has yielded rows or the file ends. Every record read whole is in the sample: at the
// end of the file that includes the last one, line end or not (finish()). Batches own their
// bytes, so the sample outlives the chunks.
template <class Reader>
task<decltype(std::declval<Reader&>().finish())> sample_first_rows(input_file& in, Reader& reader) {
    decltype(reader.finish()) sample;
    std::string chunk;
    std::uint64_t offset = 0;
    for (;;) {
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        auto parse = [&] { return n == 0 ? reader.finish() : reader.feed(chunk); };
        auto rows = co_await offload(parse);
        sample.append(std::move(rows));
        if (n == 0 || (n == chunk_size && !sample.empty())) break;
    }
    co_return sample;
}

// Sends `in`'s bytes from `offset` on as chunks, then closes `out` (also on failure).
task<void> read_chunks(input_file& in, std::uint64_t offset, channel<std::string>& out);

// The bytes of `in` as chunks, each valid until the next is asked for; a UTF-8 BOM at the
// start is dropped. For COPY FROM STDIN, which wants the bytes unparsed: a line `\.`, where
// COPY would stop reading, is refused as `source:LINE` (copy_end_marker.hpp). The progress
// line counts the records (quoted with `quote`; '\0' for the text format) as they go, when
// anyone reads the count (copy_context::counts_rows).
async_generator<std::span<const std::byte>> file_bytes(input_file& in, copy_context& ctx,
                                                       std::string source, char quote);

// The chunks from `in` as bytes for copy_in, until `in` is closed. A producer that closed it
// early sets `failed` first: that must not look like the end of the input (the COPY would
// commit a partial load), so it throws instead.
async_generator<std::span<const std::byte>> channel_bytes(channel<std::string>& in,
                                                          const bool& failed);

// Writes every chunk from `in` to `out`, in order, until `in` is closed.
task<void> write_chunks(channel<std::string>& in, export_file& out);

// Sends `text` (moved) on `out`; the named awaiter keeps g++ 12 away from temporaries.
task<void> send_chunk(channel<std::string>& out, std::string text);

}  // namespace uio::etl
