// small_files: tiny regular files copied a batch at a time on the chain threads, off the
// event loop. A file whose data is in the page cache is copied with plain system calls
// (small_file_calls.cpp: open, read, statx of the descriptor, close, create, write, metadata
// by descriptor, close), which costs about what cp spends on it; one whose data is not is
// copied by one submission of seven linked requests on the thread's private ring:
//   openat_direct(src) -> read_fixed -> close_direct -> statx(src)
//   -> openat_direct(dst, O_CREAT|O_EXCL) -> write_fixed -> close_direct
// (IOSQE_IO_LINK; every step but the last with IOSQE_CQE_SKIP_SUCCESS), so many cold files
// are read at once by io-wq workers, each costing one completion. Metadata then goes by name
// (fchownat, fchmodat, utimensat), since the chain never had an ordinary descriptor.
//
// Best effort by design: a file that fails anywhere (permission, a source that shrank —
// a short read breaks the link —, ENOSPC...) is cleaned up here (the partly written
// destination unlinked) and handed back, and the engine's ordinary per-file path copies it
// again and reports any error in cp's words. A stat after the read (of the descriptor, or
// the chain's statx) is how a source written since the walk is caught: if its size, mtime,
// ctime or inode differ from the walk's, the copy is removed and handed back too (the
// ordinary path then reports it). Only files the engine judged eligible come here
// (chain_batches.cpp: fresh staging directory, no xattrs, links, holes, set-id bits or
// default ACL, size <= the chain buffer).
//
// Blocking: copy_small_files runs on a chain thread (offload); the ring is thread_local, so
// each thread issues on its own ring (IORING_SETUP_SINGLE_ISSUER).
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace uio::fs {

struct small_file {
    // In.
    int src_dirfd = -1;
    const char* src_name = nullptr;
    int src_flags = 0;  // O_NOFOLLOW unless following
    int dst_dirfd = -1;
    const char* dst_name = nullptr;
    std::uint32_t size = 0;               // bytes to copy: the walk's st_size, > 0
    const struct stat* walked = nullptr;  // the walk's stat, to tell a source changed since
    mode_t create_mode = 0;               // final permission bits (no set-id bits)
    bool set_mode = false;                // the umask would strip some: fchmodat afterwards
    bool set_owner = false;               // fchownat afterwards
    uid_t uid = 0;
    gid_t gid = 0;
    bool set_times = false;      // utimensat afterwards
    struct timespec times[2]{};  // atime, mtime
    // Tests only (test_hooks::chain_failure): 1 fails the source open, 2 the write after the
    // create, so the fallback and the cleanup of a created file are exercised.
    int test_failure = 0;
    // Internal: its data was not in the page cache, so the ring chain copies it.
    bool by_ring = false;
    // Out.
    bool copied = false;                  // data and name in place; false: hand to the slow path
    bool changed = false;                 // the source changed after the walk (also !copied)
    int metadata_error = 0;               // errno of the first failed metadata call (file kept)
    const char* metadata_step = nullptr;  // "ownership", "permissions", "times"
};

struct chain_settings {
    unsigned depth = 16;               // files in flight on one ring
    std::size_t max_size = 64 * 1024;  // buffer per file in flight
    bool ring_only = false;            // tests (test_hooks::chains_cold): as if nothing were cached
};

// Copies the batch; fills the Out fields. Never throws for a file's failure; a ring that
// cannot be set up leaves every file !copied (the slow path takes them all).
void copy_small_files(std::span<small_file> files, const chain_settings& settings);

// The plain-call copy of one file (small_file_calls.cpp) through `buffer` (size + 1 bytes
// at least); false when its data is not in the page cache (nothing done: for the ring).
bool copy_by_calls(small_file& f, std::byte* buffer);

// Whether a stat made after the copy's read shows the source changed since the walk's.
bool changed_since_walk(const struct statx& now, const struct stat& walked);

}  // namespace uio::fs
