// file: an open file descriptor that closes itself, with awaitable I/O that throws
// std::system_error naming the path ("read 'a/b.bin': Input/output error").
// read_exact / write_all finish short transfers, which regular files, pipes and network
// filesystems all produce.
//
//   uio::file in = co_await uio::file::open("data.bin", O_RDONLY);
//   co_await in.read_exact(std::span(buffer), 0);
//   co_await in.close();  // optional: the destructor closes synchronously
#pragma once

#include <fcntl.h>

#include <span>
#include <string>

#include "uio/core/task.hpp"
#include "uio/uring/operations.hpp"

namespace uio {

// Reads exactly buffer.size() bytes at `offset`; throws on error or on end of file.
task<void> read_exact(io_target fd, std::span<std::byte> buffer, std::uint64_t offset,
                      std::string context = "read");

// Writes all of `buffer` at `offset`, resubmitting after short writes.
task<void> write_all(io_target fd, std::span<const std::byte> buffer, std::uint64_t offset,
                     std::string context = "write");

class file {
  public:
    file() noexcept = default;
    file(int fd, std::string path) noexcept : fd_(fd), path_(std::move(path)) {}
    file(file&& other) noexcept;
    file& operator=(file&& other) noexcept;
    ~file();

    // openat(AT_FDCWD, path) on the ring; O_CLOEXEC is always added.
    static task<file> open(std::string path, int flags, mode_t mode = 0600);
    static task<file> open_at(int dirfd, std::string path, int flags, mode_t mode = 0600);

    int fd() const noexcept { return fd_; }
    const std::string& path() const noexcept { return path_; }
    bool is_open() const noexcept { return fd_ >= 0; }

    // Bytes read (0 at end of file).
    task<std::size_t> read_some(std::span<std::byte> buffer, std::uint64_t offset);
    task<std::size_t> write_some(std::span<const std::byte> buffer, std::uint64_t offset);
    task<void> read_exact(std::span<std::byte> buffer, std::uint64_t offset);
    task<void> write_all(std::span<const std::byte> buffer, std::uint64_t offset);
    task<struct statx> stat(unsigned mask = STATX_BASIC_STATS);
    task<void> sync();
    task<void> data_sync();
    task<void> close();

    // Gives up ownership; the caller closes the descriptor.
    int release() noexcept;

  private:
    std::string context(const char* operation) const;

    int fd_ = -1;
    std::string path_;
};

}  // namespace uio
