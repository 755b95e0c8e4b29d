#include "uio/db/etl/detail/input_file.hpp"

#include <stdexcept>
#include <string_view>

#include "uio/core/error_kind.hpp"
#include "uio/core/offload.hpp"

namespace uio::etl {

input_file::input_file(file f, std::string path, compression kind, std::uint64_t disk_size)
    : file_(std::move(f)), path_(std::move(path)), kind_(kind), disk_size_(disk_size) {
    if (kind_ != compression::none) {
        decompressor_ = std::make_unique<decompressor>(kind_, path_);
    }
}

task<input_file> input_file::open(std::string path, compression kind) {
    file f = co_await file::open(path, O_RDONLY);
    struct statx st = co_await f.stat();
    co_return input_file(std::move(f), std::move(path), kind, st.stx_size);
}

task<std::size_t> input_file::read(std::string& chunk, std::uint64_t& offset) {
    if (kind_ != compression::none) co_return co_await read_decompressed(chunk, offset);
    chunk.resize(chunk_size);
    std::size_t n = co_await file_.read_some(std::as_writable_bytes(std::span(chunk)), offset);
    offset += n;
    chunk.resize(n);
    co_return n;
}

task<std::size_t> input_file::read_decompressed(std::string& chunk, std::uint64_t& offset) {
    if (offset == 0) {
        decompressor_->reset();
        compressed_.clear();
        compressed_used_ = 0;
        disk_offset_ = 0;
        text_offset_ = 0;
        disk_end_ = false;
    } else if (offset != text_offset_) {
        throw std::logic_error(path_ + ": a compressed file is read from the start, in order");
    }
    chunk.clear();
    // A full chunk, unless the text ends: sample_first_rows counts on that.
    while (chunk.size() < chunk_size) {
        bool input_left = compressed_used_ < compressed_.size();
        if (!input_left && !decompressor_->may_hold_output()) {
            if (disk_end_) {
                decompressor_->finish();  // throws when the file ends inside a stream
                break;
            }
            compressed_.resize(chunk_size);
            std::size_t n = co_await file_.read_some(std::as_writable_bytes(std::span(compressed_)),
                                                     disk_offset_);
            compressed_.resize(n);
            compressed_used_ = 0;
            disk_offset_ += n;
            disk_end_ = n == 0;
            continue;
        }
        auto inflate = [this, &chunk] {
            std::string_view in(compressed_);
            in.remove_prefix(compressed_used_);
            std::size_t before = in.size(), made = chunk.size();
            decompressor_->decompress(in, chunk, chunk_size);
            compressed_used_ += before - in.size();
            return before != in.size() || made != chunk.size();
        };
        if (!co_await offload(inflate) && input_left) {
            throw data_error(path_ + ": corrupt " + std::string(compression_name(kind_)) +
                             " data (decompression stopped)");
        }
    }
    text_offset_ += chunk.size();
    offset = text_offset_;
    co_return chunk.size();
}

}  // namespace uio::etl
