#include "uio/db/etl/detail/compressor.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

// One of the two libraries' stream states; z_stream stays at one address, as zlib needs.
struct compressor::state {
    z_stream z{};
    bool z_ready = false;
    ZSTD_CCtx* zstd = nullptr;

    ~state() {
        if (z_ready) deflateEnd(&z);
        ZSTD_freeCCtx(zstd);
    }
};

compressor::compressor(compression kind, std::string target)
    : state_(std::make_unique<state>()), kind_(kind), target_(std::move(target)) {
    if (kind_ == compression::gzip) {
        // 15 + 16: the largest window, with a gzip header and trailer.
        if (deflateInit2(&state_->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            throw failure(error_kind::io, target_ + ": cannot start gzip compression");
        }
        state_->z_ready = true;
    } else if (kind_ == compression::zstd) {
        state_->zstd = ZSTD_createCCtx();
        if (!state_->zstd ||
            ZSTD_isError(ZSTD_CCtx_setParameter(state_->zstd, ZSTD_c_compressionLevel, 3))) {
            throw failure(error_kind::io, target_ + ": cannot start zstd compression");
        }
    } else {
        throw std::logic_error("compressor for an uncompressed file");
    }
}

compressor::compressor(compressor&&) noexcept = default;
compressor& compressor::operator=(compressor&&) noexcept = default;
compressor::~compressor() = default;

void compressor::compress(std::string_view text, std::string& out) {
    run(text, out, false);
}

void compressor::finish(std::string& out) {
    run({}, out, true);
}

void compressor::run(std::string_view text, std::string& out, bool end) {
    // Room for a step's output; the loop goes on while the library fills it.
    constexpr std::size_t step = 256 * 1024;
    for (;;) {
        std::size_t start = out.size();
        out.resize(start + step);
        std::size_t in_size = std::min<std::size_t>(text.size(), UINT_MAX);
        std::size_t used = 0, made = 0;
        bool done = false;
        if (kind_ == compression::gzip) {
            z_stream& z = state_->z;
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
            z.avail_in = static_cast<uInt>(in_size);
            z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
            z.avail_out = static_cast<uInt>(step);
            int rc = deflate(&z, end && in_size == text.size() ? Z_FINISH : Z_NO_FLUSH);
            if (rc == Z_STREAM_ERROR)
                throw failure(error_kind::io, target_ + ": gzip compression failed");
            used = in_size - z.avail_in;
            made = step - z.avail_out;
            done = end ? rc == Z_STREAM_END : (used == text.size() && z.avail_out > 0);
        } else {
            ZSTD_inBuffer ib{text.data(), text.size(), 0};
            ZSTD_outBuffer ob{out.data() + start, step, 0};
            std::size_t rc =
                ZSTD_compressStream2(state_->zstd, &ob, &ib, end ? ZSTD_e_end : ZSTD_e_continue);
            if (ZSTD_isError(rc)) {
                throw failure(error_kind::io, target_ + ": zstd compression failed (" +
                                                  ZSTD_getErrorName(rc) + ")");
            }
            used = ib.pos;
            made = ob.pos;
            done = end ? rc == 0 : ib.pos == ib.size;
        }
        out.resize(start + made);
        text.remove_prefix(used);
        if (done) return;
    }
}

}  // namespace uio::etl
