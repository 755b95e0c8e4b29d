// input_file: a data file that the table copies read from its start, chunk by chunk; when
// it is compressed (sales.csv.gz, events.jsonl.zst), its decompressed text. Compressed
// bytes come in ~1 MiB reads on the ring and are decompressed on the thread pool into
// chunks of at most chunk_size, so memory stays constant whatever the ratio, and the
// parsers (hence their file:line:column) see the text as if it had never been compressed.
//
// Offsets count bytes of the text. A plain file reads at any offset; a compressed one only
// goes on from where the last read ended, or starts again from 0 (the loads' rescans after
// a COPY error do that). Loop thread only; one read at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "uio/core/task.hpp"
#include "uio/db/etl/compression.hpp"
#include "uio/db/etl/detail/decompressor.hpp"
#include "uio/uring/file.hpp"

namespace uio::etl {

inline constexpr std::size_t chunk_size = 1 << 20;

class input_file {
  public:
    // Opens `path` ("sales.csv: No such file or directory" when missing); "-" is standard
    // input (a pipe's text is first kept in an unnamed file in $TMPDIR: the loads read the
    // input more than once).
    static task<input_file> open(std::string path, compression kind);

    compression kind() const noexcept { return kind_; }
    // The size of the file on disk (compressed, when it is).
    std::uint64_t disk_size() const noexcept { return disk_size_; }

    // Reads up to chunk_size bytes of text at `offset` into `chunk` (resized to what came)
    // and moves `offset` past them; returns the count, 0 at the end. A compressed file's
    // truncated or corrupt data throws, naming the file.
    task<std::size_t> read(std::string& chunk, std::uint64_t& offset);

  private:
    input_file(file f, std::string path, compression kind, std::uint64_t disk_size);
    task<std::size_t> read_decompressed(std::string& chunk, std::uint64_t& offset);

    file file_;
    std::string path_;
    compression kind_;
    std::uint64_t disk_size_;
    // Compressed files only.
    std::unique_ptr<decompressor> decompressor_;
    std::string compressed_;  // the last read from disk
    std::size_t compressed_used_ = 0;
    std::uint64_t disk_offset_ = 0;  // where the next read from disk starts
    std::uint64_t text_offset_ = 0;  // how much text has been given out
    bool disk_end_ = false;
};

}  // namespace uio::etl
