// file_chunks: a file's bytes as an async generator of chunks, read on the ring into one
// reused buffer. For consumers that take a stream of spans (COPY FROM STDIN, a parser):
//
//   uio::file in = co_await uio::file::open("rows.csv", O_RDONLY);
//   auto chunks = uio::file_chunks(in, 1 << 20);
//   while (auto chunk = co_await chunks.next()) parse(*chunk);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "uio/core/async_generator.hpp"
#include "uio/uring/file.hpp"

namespace uio {

// The bytes of `in` from `offset` to its end, in chunks of at most `chunk_size` (a short
// read gives a shorter chunk; none is empty). Each chunk is valid until the next is asked
// for. `in` must outlive the generator.
async_generator<std::span<const std::byte>> file_chunks(file& in, std::size_t chunk_size,
                                                        std::uint64_t offset = 0);

}  // namespace uio
