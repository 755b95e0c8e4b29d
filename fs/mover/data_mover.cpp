// The three data paths and verification. Errors name the file as cp does ("error reading
// 'a'", "error writing 'b'").
#include "uio/fs/mover/data_mover.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <uio/core/offload.hpp>
#include <uio/core/semaphore.hpp>
#include <uio/core/task_group.hpp>
#include <uio/core/when_all.hpp>
#include <uio/uring/operations.hpp>

namespace uio::fs {

namespace {

bool all_zero(std::span<const std::byte> data) {
    static const std::byte zeros[4096] = {};
    while (!data.empty()) {
        std::size_t n = std::min(data.size(), sizeof zeros);
        if (std::memcmp(data.data(), zeros, n) != 0) return false;
        data = data.subspan(n);
    }
    return true;
}

uio::task<int> read_into(int fd, const buffer_lease& buffer, std::span<std::byte> span,
                         std::uint64_t offset) {
    if (buffer.registered_index() >= 0) {
        co_return co_await uio::read_fixed(fd, span, offset,
                                           static_cast<unsigned>(buffer.registered_index()));
    }
    co_return co_await uio::read(fd, span, offset);
}

uio::task<int> write_from(int fd, const buffer_lease& buffer, std::span<const std::byte> span,
                          std::uint64_t offset) {
    if (buffer.registered_index() >= 0) {
        co_return co_await uio::write_fixed(fd, span, offset,
                                            static_cast<unsigned>(buffer.registered_index()));
    }
    co_return co_await uio::write(fd, span, offset);
}

// Reads up to span.size() bytes at offset; fewer only at end of file.
uio::task<std::size_t> read_full(int fd, const buffer_lease& buffer, std::span<std::byte> span,
                                 std::uint64_t offset, const std::string& name) {
    std::size_t got = 0;
    while (got < span.size()) {
        int n = co_await read_into(fd, buffer, span.subspan(got), offset + got);
        if (n == -EINTR || n == -EAGAIN) continue;
        if (n < 0) fail("error reading " + quote(name), n);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    co_return got;
}

uio::task<void> hold_permit(uio::semaphore::permit, uio::task<void> work) {
    co_await std::move(work);
}

}  // namespace

data_mover::data_mover(const options& opts, chunk_buffers& buffers, uio::thread_pool& pool,
                       report& out)
    : opts_(opts), buffers_(buffers), pool_(pool), out_(out), hooks_(opts.hooks) {}

std::vector<extent> data_mover::data_extents(int fd, std::uint64_t size) {
    std::vector<extent> extents;
    off_t at = 0;
    const auto end = static_cast<off_t>(size);
    while (at < end) {
        off_t data = ::lseek(fd, at, SEEK_DATA);
        if (data < 0) {
            if (errno == ENXIO) break;  // only a hole remains
            return {{0, size}};         // no SEEK_DATA here: treat as dense
        }
        off_t hole = ::lseek(fd, data, SEEK_HOLE);
        if (hole < 0 || hole > end) hole = end;
        if (data >= end) break;
        extents.push_back(
            {static_cast<std::uint64_t>(data), static_cast<std::uint64_t>(hole - data)});
        at = hole;
    }
    return extents;
}

chunk_buffers& data_mover::direct_buffers() {
    if (!direct_buffers_) {
        const std::size_t size = chunk_buffers::round_up(std::max(direct_chunk, opts_.block_size));
        direct_buffers_.emplace(opts_.chunks_per_file, size);
    }
    return *direct_buffers_;
}

chunk_buffers& data_mover::buffers_for(std::uint64_t length) {
    return length > buffers_.size() ? direct_buffers() : buffers_;
}

bool data_mover::mostly_cached(int fd, std::uint64_t size) {
    const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t pages = size / page;
    if (pages == 0) return true;
    // Mapping without touching reads nothing; mincore reports the page cache's state.
    void* map = ::mmap(nullptr, pages * page, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) return true;
    constexpr std::uint64_t samples = 64;
    unsigned cached = 0;
    for (std::uint64_t i = 0; i < samples; ++i) {
        const std::uint64_t at = (pages - 1) * i / (samples - 1) * page;
        unsigned char resident = 0;
        if (::mincore(static_cast<char*>(map) + at, page, &resident) == 0 && (resident & 1)) {
            ++cached;
        }
    }
    ::munmap(map, pages * page);
    return cached * 2 >= samples;
}

bool data_mover::set_direct(int fd, bool on) const {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) return false;
    return ::fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
}

uio::task<void> data_mover::copy_chunk(int in, int out, extent range, file_names names,
                                       chunk_digest* digest, bool direct, bool first) {
    buffer_lease buffer = co_await buffers_for(range.length).acquire();
    std::span<std::byte> span = buffer.span().first(range.length);
    std::size_t got = co_await read_full(in, buffer, span, range.offset, names.source);
    span = span.first(got);
    if (digest) *digest = {range.offset, got, XXH3_128bits(span.data(), span.size())};
    if (opts_.sparse == when::always && all_zero(span)) co_return;  // leave a hole
    std::size_t length = got;
    if (direct) {  // the tail of the file: pad to the block, the caller truncates
        length = chunk_buffers::round_up(got);
        std::memset(buffer.span().data() + got, 0, length - got);
        span = buffer.span().first(length);
    }
    std::size_t put = 0;
    while (put < length) {
        int n = co_await write_from(out, buffer, span.subspan(put), range.offset + put);
        if (n == -EINTR || n == -EAGAIN) continue;
        if (n == -EINVAL && direct && set_direct(out, false)) continue;
        if (n <= 0) fail("error writing " + quote(names.destination), n == 0 ? -EIO : n);
        put += static_cast<std::size_t>(n);
    }
    out_.bytes_copied += got;
    if (hooks_) co_await hooks_->chunk_copied(names.source, first);
}

uio::task<void> data_mover::read_write(int in, int out, const std::vector<extent>& extents,
                                       file_names names, std::vector<chunk_digest>* digests,
                                       bool direct) {
    const std::uint64_t block = direct ? direct_buffers().size() : buffers_.size();
    std::vector<extent> chunks;
    for (const extent& e : extents) {
        for (std::uint64_t at = 0; at < e.length; at += block) {
            chunks.push_back({e.offset + at, std::min(block, e.length - at)});
        }
    }
    // Padding a chunk that ends inside the file would write zeros over its neighbour's
    // bytes: O_DIRECT only when every chunk but the last is whole blocks (extents from
    // SEEK_DATA on a file system with blocks under 4 KiB need not be).
    const std::uint64_t align = chunk_buffers::alignment;
    for (std::size_t i = 0; direct && i < chunks.size(); ++i) {
        const bool last = i + 1 == chunks.size();
        if (chunks[i].offset % align != 0 || (!last && chunks[i].length % align != 0)) {
            set_direct(out, false);  // if refused, misaligned writes fail: never padded
            direct = false;
        }
    }
    if (digests) digests->assign(chunks.size(), {});
    auto slot = [&](std::size_t i) { return digests ? &(*digests)[i] : nullptr; };
    if (chunks.size() == 1) {  // the common small file: no group, no window
        co_await copy_chunk(in, out, chunks[0], names, slot(0), direct, true);
        co_return;
    }
    uio::semaphore window(opts_.chunks_per_file);
    co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            uio::semaphore::permit permit = co_await window.acquire();
            group.spawn(hold_permit(
                std::move(permit), copy_chunk(in, out, chunks[i], names, slot(i), direct, i == 0)));
        }
    });
}

uio::thread_pool& data_mover::kernel_pool() {
    if (!kernel_pool_) kernel_pool_.emplace(opts_.threads);
    return *kernel_pool_;
}

uio::task<std::pair<int, bool>> data_mover::kernel_copy(int in, int out,
                                                        std::vector<extent> extents) {
    int error = 0;
    bool moved_any = false;
    co_await uio::offload(kernel_pool(), [&] {
        for (const extent& e : extents) {
            loff_t in_at = static_cast<loff_t>(e.offset), out_at = in_at;
            std::uint64_t left = e.length;
            while (left > 0) {
                std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 30));
                ssize_t n = ::copy_file_range(in, &in_at, out, &out_at, want, 0);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    error = errno;
                    return;
                }
                if (n == 0) return;  // the source shrank
                left -= static_cast<std::uint64_t>(n);
                moved_any = true;
                out_.bytes_copied += static_cast<std::uint64_t>(n);
            }
        }
    });
    co_return std::pair{error, moved_any};
}

uio::task<bool> data_mover::copy_file_range(int in, int out, const std::vector<extent>& extents,
                                            file_names names, std::pair<dev_t, dev_t> devices) {
    if (no_kernel_copy_.count(devices) > 0) co_return false;
    std::vector<extent> first, rest = extents;
    const bool split = hooks_ && hooks_->splits_kernel_copies() && !rest.empty();
    if (split) {
        // Tests hold a file after its first piece, as read_write's after its first chunk: a
        // piece of one chunk goes alone, the hook runs, then the rest.
        const std::uint64_t piece = std::min<std::uint64_t>(rest[0].length, buffers_.size());
        first.push_back({rest[0].offset, piece});
        rest[0] = {rest[0].offset + piece, rest[0].length - piece};
    }
    int error = 0;
    bool moved_any = false;
    if (split) {
        std::pair<int, bool> done = co_await kernel_copy(in, out, std::move(first));
        error = done.first;
        moved_any = done.second;
        if (error == 0) co_await hooks_->first_piece_copied(names.source);
    }
    if (error == 0) {
        std::pair<int, bool> done = co_await kernel_copy(in, out, std::move(rest));
        error = done.first;
        moved_any = moved_any || done.second;
    }
    if (error == 0) co_return true;
    bool unsupported = error == EXDEV || error == EINVAL || error == ENOSYS ||
                       error == EOPNOTSUPP || error == EBADF;
    if (unsupported && !moved_any) {
        if (error == EXDEV) no_kernel_copy_.insert(devices);
        co_return false;
    }
    fail("error copying " + quote(names.source) + " to " + quote(names.destination), error);
}

uio::task<bool> data_mover::reflink(int in, int out, dev_t in_dev, dev_t out_dev) {
    if (no_reflink_.count({in_dev, out_dev}) > 0) co_return false;
    int error =
        co_await uio::offload(pool_, [&] { return ::ioctl(out, FICLONE, in) == 0 ? 0 : errno; });
    if (error == 0) co_return true;
    no_reflink_.insert({in_dev, out_dev});
    co_return false;
}

uio::task<bool> data_mover::same_contents(int a, int b, std::uint64_t size, file_names names) {
    buffer_lease buffer = co_await buffers_.acquire();
    const std::size_t half = buffer.span().size() / 2;
    std::span<std::byte> left = buffer.span().first(half),
                         right = buffer.span().subspan(half, half);
    for (std::uint64_t at = 0; at < size; at += half) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(half, size - at));
        auto [got_a, got_b] =
            co_await uio::when_all(read_full(a, buffer, left.first(want), at, names.source),
                                   read_full(b, buffer, right.first(want), at, names.destination));
        if (got_a != got_b || std::memcmp(left.data(), right.data(), got_a) != 0) co_return false;
        if (got_a < want) co_return true;  // both ended early: the source shrank meanwhile
    }
    co_return true;
}

uio::task<void> data_mover::verify_chunk(int out, const chunk_digest& expected, file_names names) {
    buffer_lease buffer = co_await buffers_for(expected.length).acquire();
    std::span<std::byte> span = buffer.span().first(expected.length);
    std::size_t got = co_await read_full(out, buffer, span, expected.offset, names.destination);
    XXH128_hash_t actual = XXH3_128bits(span.data(), got);
    if (got != expected.length || !XXH128_isEqual(actual, expected.hash)) {
        throw copy_error("verification failed: " + quote(names.destination) + " differs from " +
                         quote(names.source) + " at offset " + std::to_string(expected.offset));
    }
}

uio::task<void> data_mover::verify(int out, const std::vector<chunk_digest>& digests,
                                   file_names names) {
    uio::semaphore window(opts_.chunks_per_file);
    co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
        for (const chunk_digest& d : digests) {
            uio::semaphore::permit permit = co_await window.acquire();
            group.spawn(hold_permit(std::move(permit), verify_chunk(out, d, names)));
        }
    });
}

std::string data_mover::file_hash(const std::vector<chunk_digest>& digests) {
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    for (const chunk_digest& d : digests) {
        XXH128_canonical_t canonical;
        XXH128_canonicalFromHash(&canonical, d.hash);
        XXH3_128bits_update(state, &d.offset, sizeof d.offset);
        XXH3_128bits_update(state, &canonical, sizeof canonical);
    }
    XXH128_hash_t h = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return text;
}

}  // namespace uio::fs
