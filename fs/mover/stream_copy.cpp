// stream_copy: read the file at running offsets, write each piece at the stream's own
// position (io_uring's offset -1) until all of it went, as a pipe takes it.
#include "uio/fs/mover/stream_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <uio/core/offload.hpp>
#include <uio/uring/file.hpp>
#include <uio/uring/operations.hpp>

namespace uio::fs {

namespace {

constexpr std::size_t piece = 1 << 20;
constexpr std::uint64_t stream_position = static_cast<std::uint64_t>(-1);

uio::task<void> copy_data(const copy_root& root, uio::file& in, int fd, report& out) {
    std::vector<std::byte> buffer(piece);
    std::uint64_t offset = 0;
    for (;;) {
        std::size_t n = co_await in.read_some(std::span(buffer), offset);
        if (n == 0) break;
        offset += n;
        std::span<const std::byte> left(buffer.data(), n);
        while (!left.empty()) {
            int wrote = co_await uio::write(fd, left, stream_position);
            if (wrote == -EINTR || wrote == -EAGAIN) continue;
            if (wrote <= 0)
                fail("error writing " + quote(root.destination), wrote < 0 ? wrote : EIO);
            left = left.subspan(static_cast<std::size_t>(wrote));
            out.bytes_copied += static_cast<std::uint64_t>(wrote);
        }
    }
}

}  // namespace

uio::task<void> copy_into_stream(const copy_root& root, uio::output_target target, report& out,
                                 bool verbose) {
    int fd = -1;
    try {
        uio::file in = co_await uio::file::open(root.source, O_RDONLY);
        // On the pool: a FIFO's open waits for its reader.
        auto open_stream = [&target] { return uio::open_output_stream(target); };
        fd = co_await uio::offload(open_stream);
        if (fd < 0) fail("cannot open " + quote(root.destination) + " for writing", fd);
        co_await copy_data(root, in, fd, out);
        ::close(std::exchange(fd, -1));
        ++out.files_done;
        if (verbose) out.verbose(root.source, root.destination);
    } catch (const std::exception& e) {
        if (fd >= 0) ::close(fd);
        out.error(e, root.source, root.destination);
    }
}

}  // namespace uio::fs
