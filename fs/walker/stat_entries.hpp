// stat_entries: the walk's stats. A batch of names stat'ed on the source and, for an
// existing destination directory, on the destination, by the pool thread that listed the
// batch (the walk lists, stats and finishes a batch in one trip to the pool; the pool's
// threads and the walkers' several directories keep both cores busy). Plain statx(2), no
// longer through io_uring (uio::statx_batch, each batch on the pool thread's own ring, the
// lookups in io-wq workers), which on Linux 6.18 cost a third more CPU for the same lookups:
// a no-change sync of 100,000 files (scripts/bench-sync) took 0.38 s of CPU that way and
// 0.25 s this way. Each request's submission, copy of its name, hand-over to a worker and
// completion cost about as much as the lookup itself (perf: io_uring_enter 19 %, io-wq 6 %
// of all CPU, besides do_statx's 33 %); a system call costs far less here.
#pragma once

#include <sys/stat.h>

#include <span>

#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

// Fills each entry's `st` from `src_fd` (following a final symlink when `follow`; a failure
// sets `error` and `failed`), and with `dst_fd` >= 0 its `dst_exists`/`dst_st`, never
// following. Blocking: the walk runs it on the thread pool.
void stat_entries(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow);

}  // namespace uio::fs
