// The walk's stats on the ring: one statx request per name of a batch, source and existing
// destination alike, all in flight at once. In io_uring a statx runs in a kernel worker, so
// a batch of 256 names costs a few ring entries instead of 512 system calls; on this VM
// (syscall entry is the dearest part of a cached stat) that was 25-30 % less CPU than
// fstatat in a loop (100,000 cached files: 0.29 s against 0.38 s).
#pragma once

#include <sys/stat.h>

#include <span>

#include <uio/core/task.hpp>

#include "tree_walk.hpp"

namespace ucopy {

// Fills each entry's `st` from `src_fd` (following a final symlink when `follow`; a failure
// sets `error` and `failed`), and with `dst_fd` >= 0 its `dst_exists`/`dst_st`, never
// following. Names stay owned by the entries, which must outlive the call.
uio::task<void> stat_on_ring(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow);

// struct stat from a statx with STATX_BASIC_STATS.
struct stat stat_from_statx(const struct statx& x) noexcept;

}  // namespace ucopy
