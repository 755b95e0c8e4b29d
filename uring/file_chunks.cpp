// file_chunks: read_some at a running offset until it returns 0.
#include "uio/uring/file_chunks.hpp"

#include <stdexcept>
#include <vector>

namespace uio {

async_generator<std::span<const std::byte>> file_chunks(file& in, std::size_t chunk_size,
                                                        std::uint64_t offset) {
    if (chunk_size == 0) throw std::invalid_argument("uio::file_chunks: chunk_size is 0");
    std::vector<std::byte> buffer(chunk_size);
    for (;;) {
        std::size_t n = co_await in.read_some(buffer, offset);
        if (n == 0) break;
        offset += n;
        co_yield std::span<const std::byte>(buffer.data(), n);
    }
}

}  // namespace uio
