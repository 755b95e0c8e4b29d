#include "chunk_stream.hpp"

#include <cstring>
#include <exception>
#include <utility>

#include "uio/uring/file_chunks.hpp"

namespace uio::etl {

task<file> open_input(const std::string& path, copy_context& ctx) {
    file in = co_await file::open(path, O_RDONLY);
    struct statx st = co_await in.stat();
    ctx.input_size = st.stx_size;
    co_return in;
}

task<void> send_chunk(channel<std::string>& out, std::string text) {
    auto sending = out.send(std::move(text));
    co_await sending;
}

task<std::size_t> read_next_chunk(file& in, std::string& chunk, std::uint64_t& offset) {
    chunk.resize(chunk_size);
    std::size_t n = co_await in.read_some(std::as_writable_bytes(std::span(chunk)), offset);
    offset += n;
    chunk.resize(n);
    co_return n;
}

task<void> read_chunks(file& in, std::uint64_t offset, channel<std::string>& out) {
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

async_generator<std::span<const std::byte>> file_bytes(file& in, copy_context& ctx) {
    auto chunks = file_chunks(in, chunk_size);
    bool first = true;
    while (auto chunk = co_await chunks.next()) {
        std::span<const std::byte> bytes = *chunk;
        ctx.advance(0, bytes.size());
        if (std::exchange(first, false) && bytes.size() >= 3 &&
            std::memcmp(bytes.data(), "\xEF\xBB\xBF", 3) == 0) {
            bytes = bytes.subspan(3);
        }
        co_yield bytes;
    }
}

task<void> write_chunks(channel<std::string>& in, atomic_output_file& out) {
    while (auto chunk = co_await in.receive()) co_await out.write(*chunk);
}

}  // namespace uio::etl
