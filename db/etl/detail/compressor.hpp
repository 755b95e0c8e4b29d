// compressor: gzip (zlib's deflate, level 6 as gzip(1)) or zstd (level 3, as zstd(1)) as
// a stream, fed the export's text piece by piece; the output is one gzip member or one
// zstd frame, which `gzip -dc` and `zstd -dc` read.
//
// CPU work only, no I/O: export_file runs it on the thread pool, one call at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "uio/db/etl/compression.hpp"

namespace uio::etl {

class compressor {
  public:
    // `target` names the file in messages. Throws uio::failure (kind io) if the library fails.
    compressor(compression kind, std::string target);
    compressor(compressor&&) noexcept;
    compressor& operator=(compressor&&) noexcept;
    ~compressor();

    // Compresses `text`, appending what is ready to `out` (the library may hold some back).
    void compress(std::string_view text, std::string& out);
    // Ends the stream: appends everything still held and the trailer.
    void finish(std::string& out);

  private:
    void run(std::string_view text, std::string& out, bool end);

    struct state;
    std::unique_ptr<state> state_;
    compression kind_;
    std::string target_;
};

}  // namespace uio::etl
