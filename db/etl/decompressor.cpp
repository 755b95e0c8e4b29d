#include "uio/db/etl/detail/decompressor.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

// One of the two libraries' stream states; z_stream stays at one address, as zlib needs.
struct decompressor::state {
    z_stream z{};
    bool z_ready = false;
    ZSTD_DCtx* zstd = nullptr;

    ~state() {
        if (z_ready) inflateEnd(&z);
        ZSTD_freeDCtx(zstd);
    }
};

decompressor::decompressor(compression kind, std::string source)
    : state_(std::make_unique<state>()), kind_(kind), source_(std::move(source)) {
    if (kind_ == compression::gzip) {
        // 15 + 32: the largest window, and a gzip (or zlib) header detected by itself.
        if (inflateInit2(&state_->z, 15 + 32) != Z_OK) {
            throw failure(error_kind::io, source_ + ": cannot start gzip decompression");
        }
        state_->z_ready = true;
    } else if (kind_ == compression::zstd) {
        state_->zstd = ZSTD_createDCtx();
        if (!state_->zstd)
            throw failure(error_kind::io, source_ + ": cannot start zstd decompression");
    } else {
        throw std::logic_error("decompressor for an uncompressed file");
    }
}

decompressor::decompressor(decompressor&&) noexcept = default;
decompressor& decompressor::operator=(decompressor&&) noexcept = default;
decompressor::~decompressor() = default;

void decompressor::decompress(std::string_view& in, std::string& out, std::size_t limit) {
    auto corrupt = [&](std::string_view reason) {
        return data_error(source_ + ": corrupt " + std::string(compression_name(kind_)) +
                          " data at compressed byte " + std::to_string(consumed_) + " (" +
                          std::string(reason) + ")");
    };
    while (out.size() < limit) {
        std::size_t start = out.size();
        std::size_t in_size = std::min<std::size_t>(in.size(), UINT_MAX);
        std::size_t room = std::min<std::size_t>(limit - start, UINT_MAX);
        if (in_size == 0 && !may_hold_output_) break;
        out.resize(start + room);
        std::size_t used = 0, made = 0;
        bool stream_end = false;
        if (kind_ == compression::gzip) {
            z_stream& z = state_->z;
            // A finished member followed by more bytes: the next member starts here.
            if (!inside_stream_ && in_size > 0 && z.total_in > 0) inflateReset(&z);
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
            z.avail_in = static_cast<uInt>(in_size);
            z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
            z.avail_out = static_cast<uInt>(room);
            int rc = inflate(&z, Z_NO_FLUSH);
            used = in_size - z.avail_in;
            made = room - z.avail_out;
            if (rc == Z_STREAM_END) {
                stream_end = true;
            } else if (rc == Z_NEED_DICT) {
                throw corrupt("needs a preset dictionary");
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                throw corrupt(z.msg ? z.msg : "inflate failed");
            }
        } else {
            ZSTD_inBuffer ib{in.data(), in_size, 0};
            ZSTD_outBuffer ob{out.data() + start, room, 0};
            std::size_t rc = ZSTD_decompressStream(state_->zstd, &ob, &ib);
            if (ZSTD_isError(rc)) throw corrupt(ZSTD_getErrorName(rc));
            used = ib.pos;
            made = ob.pos;
            stream_end = rc == 0;  // a frame decoded and flushed whole
        }
        out.resize(start + made);
        in.remove_prefix(used);
        consumed_ += used;
        if (used > 0) inside_stream_ = true;
        if (stream_end) inside_stream_ = false;
        // A full output may leave text inside the library; no progress means nothing is.
        may_hold_output_ = made == room;
        if (used == 0 && made == 0) break;
    }
}

void decompressor::finish() const {
    if (inside_stream_) {
        throw data_error(source_ + ": truncated " + std::string(compression_name(kind_)) +
                         " data (the file ends inside a compressed stream, after " +
                         std::to_string(consumed_) + " bytes)");
    }
}

void decompressor::reset() {
    if (kind_ == compression::gzip) {
        inflateReset(&state_->z);
        state_->z.total_in = 0;
    } else {
        ZSTD_DCtx_reset(state_->zstd, ZSTD_reset_session_only);
    }
    consumed_ = 0;
    inside_stream_ = false;
    may_hold_output_ = false;
}

}  // namespace uio::etl
