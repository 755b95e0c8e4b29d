#include "uio/db/etl/detail/input_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

#include "uio/core/error_kind.hpp"
#include "uio/core/offload.hpp"

namespace uio::etl {

namespace {

// Standard input as a file the loads can read at any offset and more than once (the type
// sample, the rescans after a COPY error, the parallel streams): a regular file (`<
// sales.csv`) as it is; a pipe or a terminal copied first, as it comes, into an unnamed
// temporary file in $TMPDIR (O_TMPFILE: nothing to remove, however the run ends).
task<file> open_standard_input() {
    const std::string shown = "standard input";
    struct stat st {};
    if (::fstat(STDIN_FILENO, &st) != 0) {
        throw std::system_error(errno, std::generic_category(), "read '" + shown + "'");
    }
    if (S_ISREG(st.st_mode)) {
        int fd = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) throw std::system_error(errno, std::generic_category(), "read '" + shown + "'");
        co_return file(fd, shown);
    }
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {  // a file system without O_TMPFILE
        std::string name = dir + "/.ucopy-stdin-XXXXXX";
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(name.c_str());
    }
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot keep standard input in '" + dir + "' ($TMPDIR)");
    }
    file spool(fd, shown + " (kept in " + dir + ")");
    std::vector<std::byte> buffer(chunk_size);
    std::uint64_t size = 0;
    for (;;) {
        // -1: the pipe's own position (it has no other).
        int n = co_await uio::read(STDIN_FILENO, std::span(buffer), static_cast<std::uint64_t>(-1));
        if (n == -EINTR || n == -EAGAIN) continue;
        if (n < 0) throw std::system_error(-n, std::generic_category(), "read '" + shown + "'");
        if (n == 0) break;
        std::span<const std::byte> got(buffer.data(), static_cast<std::size_t>(n));
        co_await spool.write_all(got, size);
        size += static_cast<std::size_t>(n);
    }
    co_return spool;
}

}  // namespace

input_file::input_file(file f, std::string path, compression kind, std::uint64_t disk_size)
    : file_(std::move(f)), path_(std::move(path)), kind_(kind), disk_size_(disk_size) {
    if (kind_ != compression::none) {
        decompressor_ = std::make_unique<decompressor>(kind_, path_);
    }
}

task<input_file> input_file::open(std::string path, compression kind) {
    file f;
    if (path == "-") {
        f = co_await open_standard_input();
    } else {
        f = co_await file::open(path, O_RDONLY);
    }
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
