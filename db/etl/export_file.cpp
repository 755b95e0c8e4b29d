#include "uio/db/etl/detail/export_file.hpp"

#include <string_view>

#include "uio/core/offload.hpp"

namespace uio::etl {

namespace {
// How much text is gathered before it goes to the compressor: big enough that handing it
// to the pool costs nothing, small enough to stay in cache.
constexpr std::size_t compress_piece = 1 << 20;
}  // namespace

task<export_file> export_file::create(const data_file_endpoint& destination, bool durable) {
    std::unique_ptr<compressor> c;
    if (destination.compressed != compression::none) {
        c = std::make_unique<compressor>(destination.compressed, destination.path);
    }
    atomic_output_file out = co_await atomic_output_file::create(destination.path, durable);
    co_return export_file(std::move(out), std::move(c));
}

task<void> export_file::write(std::span<const std::byte> bytes) {
    if (!compressor_) {
        co_await out_.write(bytes);
        co_return;
    }
    text_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text_.size() >= compress_piece) co_await compress_and_write(false);
}

task<void> export_file::compress_and_write(bool end) {
    auto deflate = [this, end] {
        compressed_.clear();
        compressor_->compress(text_, compressed_);
        if (end) compressor_->finish(compressed_);
        text_.clear();
    };
    co_await offload(deflate);
    if (!compressed_.empty()) co_await out_.write(compressed_);
}

task<void> export_file::commit() {
    if (compressor_) co_await compress_and_write(true);
    co_await out_.commit();
}

}  // namespace uio::etl
