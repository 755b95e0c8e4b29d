#include "uio/uring/file.hpp"

#include <unistd.h>

#include <utility>

namespace uio {

task<void> read_exact(io_target fd, std::span<std::byte> buffer, std::uint64_t offset,
                      std::string context) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        int n = co_await uio::read(fd, buffer.subspan(done), offset + done);
        if (n < 0) {
            if (n == -EINTR || n == -EAGAIN) continue;
            throw_errno(n, context);
        }
        if (n == 0) {
            throw std::system_error(
                std::make_error_code(std::errc::io_error),
                context + ": unexpected end of file at offset " + std::to_string(offset + done));
        }
        done += static_cast<std::size_t>(n);
    }
}

task<void> write_all(io_target fd, std::span<const std::byte> buffer, std::uint64_t offset,
                     std::string context) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        int n = co_await uio::write(fd, buffer.subspan(done), offset + done);
        if (n < 0) {
            if (n == -EINTR || n == -EAGAIN) continue;
            throw_errno(n, context);
        }
        if (n == 0) throw_errno(EIO, context + ": wrote nothing");
        done += static_cast<std::size_t>(n);
    }
}

file::file(file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

file& file::operator=(file&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

file::~file() {
    if (fd_ >= 0) ::close(fd_);
}

task<file> file::open(std::string path, int flags, mode_t mode) {
    return open_at(AT_FDCWD, std::move(path), flags, mode);
}

task<file> file::open_at(int dirfd, std::string path, int flags, mode_t mode) {
    int fd = co_await uio::openat(dirfd, path.c_str(), flags, mode);
    if (fd < 0) throw_errno(fd, "cannot open '" + path + "'");
    co_return file(fd, std::move(path));
}

std::string file::context(const char* operation) const {
    return std::string(operation) + " '" + path_ + "'";
}

task<std::size_t> file::read_some(std::span<std::byte> buffer, std::uint64_t offset) {
    int n = co_await uio::read(fd_, buffer, offset);
    if (n < 0) throw_errno(n, context("read"));
    co_return static_cast<std::size_t>(n);
}

task<std::size_t> file::write_some(std::span<const std::byte> buffer, std::uint64_t offset) {
    int n = co_await uio::write(fd_, buffer, offset);
    if (n < 0) throw_errno(n, context("write"));
    co_return static_cast<std::size_t>(n);
}

task<void> file::read_exact(std::span<std::byte> buffer, std::uint64_t offset) {
    return uio::read_exact(fd_, buffer, offset, context("read"));
}

task<void> file::write_all(std::span<const std::byte> buffer, std::uint64_t offset) {
    return uio::write_all(fd_, buffer, offset, context("write"));
}

task<struct statx> file::stat(unsigned mask) {
    struct statx result {};
    int rc = co_await uio::statx(fd_, "", AT_EMPTY_PATH, mask, &result);
    if (rc < 0) throw_errno(rc, context("stat"));
    co_return result;
}

task<void> file::sync() {
    int rc = co_await uio::fsync(fd_);
    if (rc < 0) throw_errno(rc, context("fsync"));
}

task<void> file::data_sync() {
    int rc = co_await uio::fdatasync(fd_);
    if (rc < 0) throw_errno(rc, context("fdatasync"));
}

task<void> file::close() {
    if (fd_ < 0) co_return;
    int fd = std::exchange(fd_, -1);
    int rc;
    try {
        rc = co_await uio::close(fd);
    } catch (...) {  // stopped before the request reached the kernel: still ours to close
        ::close(fd);
        throw;
    }
    if (rc < 0) throw_errno(rc, context("close"));
}

int file::release() noexcept {
    return std::exchange(fd_, -1);
}

}  // namespace uio
