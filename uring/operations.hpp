// The awaitable io_uring operations, one function per request type. Each returns an
// awaitable whose co_await yields the CQE result: >= 0 on success, -errno on failure (as
// liburing's cqe->res). They throw only when cancelled by a stop request.
//
//   int n = co_await uio::read(fd, std::span(buffer), offset);
//   if (n < 0) uio::throw_errno(n, "read 'data.bin'");
//
// Lifetimes: buffers, paths and structs passed by pointer or span must stay valid until the
// co_await finishes (automatic when they live in the awaiting coroutine). `file`
// (uring/file.hpp) wraps these with exceptions that name the path.
#pragma once

#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <span>

#include "uio/uring/io_operation.hpp"

namespace uio {

// Where a request goes: a plain file descriptor, or an index in the ring's registered file
// table (see registered_files). Converts implicitly from int.
struct io_target {
    io_target(int fd) noexcept : descriptor(fd) {}  // NOLINT: implicit on purpose
    static io_target registered(unsigned index) noexcept {
        io_target t(static_cast<int>(index));
        t.sqe_flags = IOSQE_FIXED_FILE;
        return t;
    }
    int descriptor;
    std::uint8_t sqe_flags = 0;
};

namespace detail {
inline void target(io_uring_sqe* sqe, io_target t) noexcept {
    sqe->flags |= t.sqe_flags;
}
}  // namespace detail

[[nodiscard]] inline auto nop() noexcept {
    return make_io_awaitable([](io_uring_sqe* sqe) { io_uring_prep_nop(sqe); });
}

[[nodiscard]] inline auto openat(int dirfd, const char* path, int flags, mode_t mode = 0) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_openat(sqe, dirfd, path, flags | O_CLOEXEC, mode);
    });
}

// openat2(2): `how` (flags, mode, RESOLVE_* limits on the lookup) must outlive the co_await.
// O_CLOEXEC is added as openat does.
[[nodiscard]] inline auto openat2(int dirfd, const char* path, open_how* how) noexcept {
    how->flags |= O_CLOEXEC;
    return make_io_awaitable(
        [=](io_uring_sqe* sqe) { io_uring_prep_openat2(sqe, dirfd, path, how); });
}

[[nodiscard]] inline auto close(int fd) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) { io_uring_prep_close(sqe, fd); });
}

// offset -1 (or ~0ULL) reads at the file position, as read(2) does for pipes and sockets.
[[nodiscard]] inline auto read(io_target fd, std::span<std::byte> buffer,
                               std::uint64_t offset) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_read(sqe, fd.descriptor, buffer.data(), static_cast<unsigned>(buffer.size()),
                           offset);
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto write(io_target fd, std::span<const std::byte> buffer,
                                std::uint64_t offset) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_write(sqe, fd.descriptor, buffer.data(), static_cast<unsigned>(buffer.size()),
                            offset);
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto readv(io_target fd, std::span<const iovec> buffers,
                                std::uint64_t offset) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_readv(sqe, fd.descriptor, buffers.data(),
                            static_cast<unsigned>(buffers.size()), offset);
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto writev(io_target fd, std::span<const iovec> buffers,
                                 std::uint64_t offset) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_writev(sqe, fd.descriptor, buffers.data(),
                             static_cast<unsigned>(buffers.size()), offset);
        detail::target(sqe, fd);
    });
}

// Reads into / writes from a buffer registered with the ring (buffer_pool).
[[nodiscard]] inline auto read_fixed(io_target fd, std::span<std::byte> buffer,
                                     std::uint64_t offset, unsigned buffer_index) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_read_fixed(sqe, fd.descriptor, buffer.data(),
                                 static_cast<unsigned>(buffer.size()), offset,
                                 static_cast<int>(buffer_index));
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto write_fixed(io_target fd, std::span<const std::byte> buffer,
                                      std::uint64_t offset, unsigned buffer_index) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_write_fixed(sqe, fd.descriptor, buffer.data(),
                                  static_cast<unsigned>(buffer.size()), offset,
                                  static_cast<int>(buffer_index));
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto fsync(io_target fd) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_fsync(sqe, fd.descriptor, 0);
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto fdatasync(io_target fd) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_fsync(sqe, fd.descriptor, IORING_FSYNC_DATASYNC);
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto fallocate(io_target fd, int mode, std::uint64_t offset,
                                    std::uint64_t length) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_fallocate(sqe, fd.descriptor, mode, offset, length);
        detail::target(sqe, fd);
    });
}

[[nodiscard]] inline auto statx(int dirfd, const char* path, int flags, unsigned mask,
                                struct statx* out) noexcept {
    return make_io_awaitable(
        [=](io_uring_sqe* sqe) { io_uring_prep_statx(sqe, dirfd, path, flags, mask, out); });
}

[[nodiscard]] inline auto unlinkat(int dirfd, const char* path, int flags = 0) noexcept {
    return make_io_awaitable(
        [=](io_uring_sqe* sqe) { io_uring_prep_unlinkat(sqe, dirfd, path, flags); });
}

[[nodiscard]] inline auto renameat(int old_dirfd, const char* old_path, int new_dirfd,
                                   const char* new_path, unsigned flags = 0) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_renameat(sqe, old_dirfd, old_path, new_dirfd, new_path, flags);
    });
}

[[nodiscard]] inline auto mkdirat(int dirfd, const char* path, mode_t mode) noexcept {
    return make_io_awaitable(
        [=](io_uring_sqe* sqe) { io_uring_prep_mkdirat(sqe, dirfd, path, mode); });
}

[[nodiscard]] inline auto linkat(int old_dirfd, const char* old_path, int new_dirfd,
                                 const char* new_path, int flags = 0) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_linkat(sqe, old_dirfd, old_path, new_dirfd, new_path, flags);
    });
}

[[nodiscard]] inline auto symlinkat(const char* target, int new_dirfd,
                                    const char* link_path) noexcept {
    return make_io_awaitable(
        [=](io_uring_sqe* sqe) { io_uring_prep_symlinkat(sqe, target, new_dirfd, link_path); });
}

[[nodiscard]] inline auto splice(int fd_in, std::int64_t offset_in, int fd_out,
                                 std::int64_t offset_out, unsigned length,
                                 unsigned flags = 0) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_splice(sqe, fd_in, offset_in, fd_out, offset_out, length, flags);
    });
}

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT...); yields the ready mask. One
// shot: re-arm after each wake-up. For sockets owned by another library (libpq).
[[nodiscard]] inline auto poll(int fd, unsigned events) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) { io_uring_prep_poll_add(sqe, fd, events); });
}

// Cancels every request on `fd` (IORING_ASYNC_CANCEL_FD | ALL); yields how many were found.
[[nodiscard]] inline auto cancel_fd(int fd) noexcept {
    return make_io_awaitable(
        [=](io_uring_sqe* sqe) { io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL); });
}

// A relative io_uring timeout: yields -ETIME when it expires. Prefer sleep_for().
[[nodiscard]] inline auto timeout(const __kernel_timespec* duration) noexcept {
    return make_io_awaitable([=](io_uring_sqe* sqe) {
        io_uring_prep_timeout(sqe, const_cast<__kernel_timespec*>(duration), 0, 0);
    });
}

}  // namespace uio
