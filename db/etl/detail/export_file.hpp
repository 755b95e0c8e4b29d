// export_file: the file an export writes — an atomic_output_file (hidden temporary, renamed
// into place by commit()) — through a gzip or zstd compressor when the destination asks
// for one (sales.csv.gz, or --compress). The text is gathered into ~1 MiB pieces that are
// compressed on the thread pool, one at a time, and their output written on the ring, so
// memory stays constant. A failure before commit() leaves nothing under the final name.
// Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/atomic_output_file.hpp"
#include "uio/db/etl/detail/compressor.hpp"
#include "uio/db/etl/endpoint.hpp"

namespace uio::etl {

class export_file {
  public:
    static task<export_file> create(const data_file_endpoint& destination, bool durable);

    task<void> write(std::span<const std::byte> bytes);
    task<void> write(const std::string& text) { return write(std::as_bytes(std::span(text))); }
    // Ends the compressed stream, then atomic_output_file::commit().
    task<void> commit();

  private:
    export_file(atomic_output_file out, std::unique_ptr<compressor> c)
        : out_(std::move(out)), compressor_(std::move(c)) {}
    task<void> compress_and_write(bool end);

    atomic_output_file out_;
    std::unique_ptr<compressor> compressor_;  // null for a plain file
    std::string text_;                        // gathered for the compressor
    std::string compressed_;
};

}  // namespace uio::etl
