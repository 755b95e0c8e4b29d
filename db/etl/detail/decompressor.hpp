// decompressor: gzip (zlib's inflate) or zstd (ZSTD_decompressStream) as a stream, fed the
// compressed bytes piece by piece and giving the text out in bounded pieces, so memory stays
// constant whatever the ratio. Both formats may be concatenations (gzip members, zstd
// frames, as `cat a.gz b.gz` or pigz make): each ending stream is followed by the next.
//
// CPU work only, no I/O: input_file runs it on the thread pool, one call at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "uio/db/etl/compression.hpp"

namespace uio::etl {

class decompressor {
  public:
    // `source` names the file in messages. Throws uio::failure (kind io) if the library fails,
    // data_error on bad data.
    decompressor(compression kind, std::string source);
    decompressor(decompressor&&) noexcept;
    decompressor& operator=(decompressor&&) noexcept;
    ~decompressor();

    // Decompresses from the front of `in` (removing what it used) onto the end of `out`
    // until `out` holds `limit` bytes or `in` is used up and nothing is left inside.
    // Throws "SOURCE: corrupt gzip data at compressed byte N (reason)" on bad data.
    void decompress(std::string_view& in, std::string& out, std::size_t limit);
    // True when the last call stopped at `limit` with text possibly still held inside: call
    // decompress again (with no more input) before concluding anything from an empty `in`.
    bool may_hold_output() const noexcept { return may_hold_output_; }
    // At the end of the compressed file: throws "SOURCE: truncated gzip data..." if it ends
    // inside a stream.
    void finish() const;
    // Back to the start of a file.
    void reset();

  private:
    struct state;
    std::unique_ptr<state> state_;
    compression kind_;
    std::string source_;
    std::uint64_t consumed_ = 0;  // compressed bytes used so far, for messages
    bool inside_stream_ = false;  // bytes of a member/frame used, its end not yet seen
    bool may_hold_output_ = false;
};

}  // namespace uio::etl
