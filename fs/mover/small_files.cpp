// The chain thread's loop of small_files.hpp. Each file is first tried with plain system
// calls (small_file_calls.cpp), which is the cheap way when its data is in the page cache;
// the files whose data is not are copied by the linked ring chain below: one thread_local
// ring per chain thread, `depth` files in flight, two fixed-file slots and one registered
// buffer per file in flight, made on the first cold file.
//
// Why raw liburing for the ring chain and not io_context with a linked-chain operation in
// uring/:
// - The chains need a ring per core. They run on the chain pool's threads, each with its
//   own ring, so submitting and reaping go on beside the loop and one another. On one ring
//   (the loop's, or `--chain-threads 1`) the copy lost most of what chains gained (hot,
//   before the plain calls took the cached files: 20,000 x 4 KiB, median of 5 on 2 cores:
//   two chain rings 0.45 s, one 0.62 s, no chains 0.66 s, cp -r 0.86 s; 2026-12-05).
//   An io_context per chain thread would need a coroutine loop on threads that block.
// - A chain is seven SQEs, all but the last with IOSQE_CQE_SKIP_SUCCESS: one CQE per file
//   when it works, but after a failure how many CQEs the cancelled steps post depends on
//   the kernel (`done` below absorbs the extra ones). io_context counts requests in flight
//   per CQE and lets an operation's frame go on its one final CQE; a request with an
//   unknown number of CQEs fits neither, and without the flag a file costs seven CQEs.
#include "uio/fs/mover/small_files.hpp"

#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <vector>

#include <uio/uring/private_ring.hpp>
#include <uio/uring/stat_time.hpp>

namespace uio::fs {

namespace {

// user_data = file index << 3 | step; steps in chain order.
enum step : unsigned { open_src, read_src, close_src, stat_src, open_dst, write_dst, close_dst };
constexpr unsigned steps = 7;

}  // namespace

// Size, mtime, ctime (while the link count holds: deleting or linking the source changes
// ctime but not the data) and inode, as engine's source_changed checks them.
bool changed_since_walk(const struct statx& now, const struct stat& walked) {
    return now.stx_ino != walked.st_ino ||
           now.stx_size != static_cast<std::uint64_t>(walked.st_size) ||
           uio::nanoseconds(now.stx_mtime) != uio::mtime_ns(walked) ||
           (now.stx_nlink == walked.st_nlink &&
            uio::nanoseconds(now.stx_ctime) != uio::ctime_ns(walked));
}

namespace {

// Room for every file in flight's seven SQEs (a power of two, as io_uring rounds to).
unsigned ring_entries(unsigned depth) {
    unsigned entries = 8;
    while (entries < steps * depth) entries *= 2;
    return entries;
}

struct chain_ring {
    uio::private_ring owned;
    io_uring* ring = owned.get();
    bool ready = false;
    bool registered_buffers = false;
    unsigned depth;
    std::size_t max_size;
    std::byte* memory = nullptr;
    std::vector<struct statx> stats;  // one per file in flight

    explicit chain_ring(const chain_settings& s)
        : owned(ring_entries(s.depth)), depth(s.depth), max_size(s.max_size), stats(s.depth) {
        if (!owned.ready()) return;
        // Two slots per file in flight: the source and the destination descriptor.
        if (io_uring_register_files_sparse(ring, 2 * depth) < 0) return;
        memory = static_cast<std::byte*>(std::aligned_alloc(4096, depth * max_size));
        if (memory == nullptr) return;
        std::vector<iovec> iov(depth);
        for (unsigned i = 0; i < depth; ++i) iov[i] = {memory + i * max_size, max_size};
        // Refused under a small RLIMIT_MEMLOCK: plain read/write on the same buffers then.
        registered_buffers = io_uring_register_buffers(ring, iov.data(), depth) == 0;
        ready = true;
    }
    ~chain_ring() { std::free(memory); }
    chain_ring(const chain_ring&) = delete;
    chain_ring& operator=(const chain_ring&) = delete;

    std::byte* buffer(unsigned slot) const noexcept { return memory + slot * max_size; }

    // The prep helpers reset flags and user_data: mark each SQE after preparing it.
    static void mark(io_uring_sqe* q, std::size_t file, step s, std::uint8_t extra = 0) noexcept {
        io_uring_sqe_set_data64(q, (static_cast<std::uint64_t>(file) << 3) | s);
        q->flags |= extra;
        if (s != close_dst) q->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    }

    // Room for the seven SQEs was checked by the caller (ring entries >= 7 x depth).
    void prepare(const small_file& f, std::size_t index, unsigned slot) noexcept {
        const unsigned in = 2 * slot, out = 2 * slot + 1;
        std::byte* data = buffer(slot);
        // Direct descriptors refuse O_CLOEXEC (they are not in the fd table at all).
        io_uring_sqe* q = io_uring_get_sqe(ring);
        const int test_flags = f.test_failure == 1 ? O_DIRECTORY : 0;  // ENOTDIR
        io_uring_prep_openat_direct(q, f.src_dirfd, f.src_name, O_RDONLY | f.src_flags | test_flags,
                                    0, in);
        mark(q, index, open_src);
        // Exactly `size` bytes: a short read (the file shrank) fails the link.
        q = io_uring_get_sqe(ring);
        if (registered_buffers) {
            io_uring_prep_read_fixed(q, static_cast<int>(in), data, f.size, 0,
                                     static_cast<int>(slot));
        } else {
            io_uring_prep_read(q, static_cast<int>(in), data, f.size, 0);
        }
        mark(q, index, read_src, IOSQE_FIXED_FILE);
        q = io_uring_get_sqe(ring);
        io_uring_prep_close_direct(q, in);
        mark(q, index, close_src);
        q = io_uring_get_sqe(ring);
        io_uring_prep_statx(q, f.src_dirfd, f.src_name,
                            f.src_flags & O_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0, STATX_BASIC_STATS,
                            &stats[slot]);
        mark(q, index, stat_src);
        q = io_uring_get_sqe(ring);
        io_uring_prep_openat_direct(q, f.dst_dirfd, f.dst_name,
                                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, f.create_mode, out);
        mark(q, index, open_dst);
        q = io_uring_get_sqe(ring);
        const std::uint64_t at = f.test_failure == 2 ? ~std::uint64_t{1} : 0;  // EINVAL/EFBIG
        if (registered_buffers) {
            io_uring_prep_write_fixed(q, static_cast<int>(out), data, f.size, at,
                                      static_cast<int>(slot));
        } else {
            io_uring_prep_write(q, static_cast<int>(out), data, f.size, at);
        }
        mark(q, index, write_dst, IOSQE_FIXED_FILE);
        q = io_uring_get_sqe(ring);
        io_uring_prep_close_direct(q, out);
        mark(q, index, close_dst);
    }

    // After a failed chain: drop whatever descriptors the cancelled closes left in the slots.
    void clear_slots(unsigned slot) noexcept {
        int none[2] = {-1, -1};
        io_uring_register_files_update(ring, 2 * slot, none, 2);
    }
};

thread_local std::unique_ptr<chain_ring> thread_ring;

void apply_metadata(small_file& f) {
    if (f.set_owner &&
        ::fchownat(f.dst_dirfd, f.dst_name, f.uid, f.gid, AT_SYMLINK_NOFOLLOW) != 0) {
        f.metadata_error = errno;
        f.metadata_step = "ownership";
        return;
    }
    if (f.set_mode && ::fchmodat(f.dst_dirfd, f.dst_name, f.create_mode, 0) != 0) {
        f.metadata_error = errno;
        f.metadata_step = "permissions";
        return;
    }
    if (f.set_times && ::utimensat(f.dst_dirfd, f.dst_name, f.times, AT_SYMLINK_NOFOLLOW) != 0) {
        f.metadata_error = errno;
        f.metadata_step = "times";
    }
}

// The files marked `by_ring`, as linked chains.
void copy_by_ring(std::span<small_file> files, const chain_settings& settings) {
    if (!thread_ring || thread_ring->depth != settings.depth ||
        thread_ring->max_size != settings.max_size) {
        thread_ring = std::make_unique<chain_ring>(settings);
    }
    chain_ring& r = *thread_ring;
    if (!r.ready) return;

    std::vector<unsigned> free_slots;
    for (unsigned s = r.depth; s > 0; --s) free_slots.push_back(s - 1);
    std::vector<unsigned> slot_of(files.size());
    std::vector<bool> done(files.size());
    std::size_t next = 0, finished = 0;
    while (finished < files.size()) {
        while (!free_slots.empty() && next < files.size()) {
            if (!files[next].by_ring || files[next].size > r.max_size) {  // not ours
                done[next] = true;
                ++next;
                ++finished;
                continue;
            }
            slot_of[next] = free_slots.back();
            free_slots.pop_back();
            r.prepare(files[next], next, slot_of[next]);
            ++next;
        }
        if (finished == files.size()) break;
        int rc = io_uring_submit_and_wait(r.ring, 1);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            // The ring itself broke: requests in flight may still use the buffers, so this
            // ring is abandoned (leaked with its memory) and everything goes the slow way.
            r.ready = false;
            (void)thread_ring.release();
            for (small_file& f : files) {
                if (f.by_ring) f.copied = false;
            }
            return;
        }
        io_uring_cqe* cqe = nullptr;
        unsigned head = 0, seen = 0;
        io_uring_for_each_cqe(r.ring, head, cqe) {
            ++seen;
            // One CQE per file: the last step's on success; on failure the failed step's
            // (a short read or write counts as failed), and the cancelled steps after it
            // post nothing, since the failed one carried IOSQE_CQE_SKIP_SUCCESS (kernels
            // that do post them are covered by `done`).
            const std::size_t index = cqe->user_data >> 3;
            const auto s = static_cast<unsigned>(cqe->user_data & 7);
            if (index >= files.size() || done[index]) continue;
            done[index] = true;
            small_file& f = files[index];
            if (s == close_dst && cqe->res >= 0 && f.walked != nullptr &&
                changed_since_walk(r.stats[slot_of[index]], *f.walked)) {
                f.changed = true;
                ::unlinkat(f.dst_dirfd, f.dst_name, 0);
            } else if (s == close_dst && cqe->res >= 0) {
                f.copied = true;
                apply_metadata(f);
            } else {
                r.clear_slots(slot_of[index]);
                // The destination is ours from a successful create on; a failed create
                // (EEXIST: not ours) or anything earlier leaves no name to remove.
                if (s >= write_dst) ::unlinkat(f.dst_dirfd, f.dst_name, 0);
            }
            free_slots.push_back(slot_of[index]);
            ++finished;
        }
        io_uring_cq_advance(r.ring, seen);
    }
}

}  // namespace

void copy_small_files(std::span<small_file> files, const chain_settings& settings) {
    // One byte more than the largest file: copy_by_calls reads size + 1 to see growth.
    thread_local std::unique_ptr<std::byte[]> buffer;
    thread_local std::size_t buffer_size = 0;
    if (buffer_size < settings.max_size + 1) {
        buffer = std::make_unique<std::byte[]>(settings.max_size + 1);
        buffer_size = settings.max_size + 1;
    }
    bool cold = false;
    for (small_file& f : files) {
        if (f.size == 0 || f.size > settings.max_size) continue;  // not ours
        f.by_ring = settings.ring_only || !copy_by_calls(f, buffer.get());
        cold = cold || f.by_ring;
    }
    if (cold) copy_by_ring(files, settings);
}

}  // namespace uio::fs
