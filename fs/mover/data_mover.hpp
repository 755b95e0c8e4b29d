// data_mover: moves the bytes of one regular file, by one of three paths —
//   read/write on the ring through chunk_buffers (several chunks of a file in flight; the
//     only path that sees the bytes, so --verify and --sparse=always use it), its writes
//     optionally O_DIRECT (large files: no page-cache pages to fill, see read_write),
//   copy_file_range on a pool of its own (kernel-side: each byte copied once, page cache to
//     page cache, where read/write copies it twice; may share extents on CoW filesystems),
//   FICLONE (reflink: the whole file's extents shared, nothing copied).
// Sparse files are copied extent by extent (SEEK_DATA/SEEK_HOLE), holes left as holes.
#pragma once

#include <sys/stat.h>
#include <xxhash.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/chunk_buffers.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/test_hooks.hpp"

namespace uio::fs {

struct extent {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// XXH3-128 of each chunk as it streamed through, so --verify can re-read and compare.
struct chunk_digest {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    XXH128_hash_t hash{};
};

// Names for messages.
struct file_names {
    const std::string& source;
    const std::string& destination;
};

class data_mover {
  public:
    data_mover(const options& opts, chunk_buffers& buffers, uio::thread_pool& pool, report& out);

    // The data ranges of `fd` (blocking lseek calls: run it on the pool).
    static std::vector<extent> data_extents(int fd, std::uint64_t size);

    // Copies `extents` from `in` to `out` through the ring. Fills `digests` when non-null.
    // With `direct`, `out` has O_DIRECT (set_direct) and each write is padded with zeros to
    // a multiple of chunk_buffers::alignment: the caller truncates the file to its size
    // afterwards. A write the device refuses as misaligned (EINVAL) clears O_DIRECT and
    // goes through the page cache.
    uio::task<void> read_write(int in, int out, const std::vector<extent>& extents,
                               file_names names, std::vector<chunk_digest>* digests,
                               bool direct = false);
    // Whether most of `fd`'s first `size` bytes are in the page cache (mincore on 64 pages
    // spread over the file). A large cold source is read from disk at the disk's pace,
    // and writing its copy through the page cache keeps the disk free for those reads; a
    // hot one is copied at memory speed, and filling the page cache is then the slow part.
    static bool mostly_cached(int fd, std::uint64_t size);
    // Turns O_DIRECT on or off for `fd`; false when the file system refuses it.
    bool set_direct(int fd, bool on) const;

    // Files above this size that no chain takes go by copy_file_range under
    // --strategy=auto: half the system time per byte of read/write through a buffer on ext4
    // and tmpfs (docs/ucopy-internals.md, "How file data moves"); at or below it one read and
    // one write on the ring cost less than the trip to a pool thread.
    static constexpr std::uint64_t kernel_copy_min = 64 * 1024;

    // Kernel-side copy on the data_mover's own pool (one thread per core unless -j; the
    // walk's pool stays free), so several files copy at once. False when the kernel cannot
    // do it for these files before any byte moved (the caller falls back to read_write);
    // a refusal (EXDEV: another file system) is remembered per pair of devices.
    uio::task<bool> copy_file_range(int in, int out, const std::vector<extent>& extents,
                                    file_names names, std::pair<dev_t, dev_t> devices);

    // Files from this size up to the writeback threshold whose source is cached go by
    // split_copy under --strategy=auto: copy_file_range of one file runs on one core (ext4
    // takes the inode lock for each buffered write), and a 1 GiB copy was no faster than
    // cp's; below this size a file is short enough for the tree's other files to keep the
    // second core busy.
    static constexpr std::uint64_t split_min = 64 << 20;
    // Copies `size` bytes from both ends at once (split_copy.cpp): copy_file_range from the
    // front in split_piece pieces on the kernel-copy pool, ring reads and O_DIRECT writes of
    // direct_chunk from the back through a second descriptor, until they meet; then gives
    // `out` its size; counts the file under direct and copy_file_range (read_write when
    // copy_file_range refused). False, before anything is written, when the kernel cannot (no
    // second descriptor with O_DIRECT, or copy_file_range refused between these devices before).
    uio::task<bool> split_copy(int in, int out, std::uint64_t size, file_names names,
                               std::pair<dev_t, dev_t> devices);

    // FICLONE. False when the file systems cannot share extents (remembered per pair).
    uio::task<bool> reflink(int in, int out, dev_t in_dev, dev_t out_dev);

    // --checksum: whether `a` and `b` hold the same `size` bytes. Both are read together on
    // the ring, chunk by chunk, each into one half of one buffer (one lease per file in
    // flight, so files comparing at once cannot starve each other of buffers).
    uio::task<bool> same_contents(int a, int b, std::uint64_t size, file_names names);

    // Re-reads what was written and compares it with the digests; throws on a mismatch.
    uio::task<void> verify(int out, const std::vector<chunk_digest>& digests, file_names names);

    // One XXH3-128 over the chunk digests: the file's hash in the journal.
    static std::string file_hash(const std::vector<chunk_digest>& digests);

  private:
    // `first`: the file's first chunk (for test_hooks::chunk_copied).
    uio::task<void> copy_chunk(int in, int out, extent range, file_names names,
                               chunk_digest* digest, bool direct, bool first);
    uio::task<void> verify_chunk(int out, const chunk_digest& expected, file_names names);
    // Direct writes go in chunks of direct_chunk (the device took 4 MiB requests at once;
    // at 256 KiB, 16 times the requests: 4 GiB hot in 3.1 s against 2.3 s), from their own
    // chunks_per_file buffers, made on first use, so the memory bound holds.
    static constexpr std::size_t direct_chunk = 4 << 20;
    static constexpr std::uint64_t split_piece = 16 << 20;  // a multiple of direct_chunk
    chunk_buffers& direct_buffers();
    // The pool a chunk of `length` bytes came from (verify re-reads in the same chunks).
    chunk_buffers& buffers_for(std::uint64_t length);

    // copy_file_range of `extents` on the kernel-copy pool: 0 or the errno, and whether any
    // byte moved.
    uio::task<std::pair<int, bool>> kernel_copy(int in, int out, std::vector<extent> extents);
    uio::thread_pool& kernel_pool();

    const options& opts_;
    chunk_buffers& buffers_;
    std::optional<chunk_buffers> direct_buffers_;
    uio::thread_pool& pool_;
    std::optional<uio::thread_pool> kernel_pool_;  // made on first use
    report& out_;
    std::set<std::pair<dev_t, dev_t>> no_reflink_;
    std::set<std::pair<dev_t, dev_t>> no_kernel_copy_;
    test_hooks* hooks_;  // null in the shipped ucopy (test_hooks.hpp)
};

}  // namespace uio::fs
