// fd_limits: ucopy under a low RLIMIT_NOFILE slows down instead of failing. At start the soft
// limit is raised to the hard one (as most servers do); then the concurrency (files in
// flight, walkers, small-file chain batches and chain depth) is sized from the descriptors
// actually left, keeping a reserve; and an open that still meets EMFILE/ENFILE waits for
// files in flight to finish and retries (back-pressure), giving up only after a long stall.
#pragma once

#include <sys/types.h>

#include <uio/core/task.hpp>

#include "uio/fs/options.hpp"

namespace uio::fs {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
unsigned long raise_open_file_limit();

// Shrinks the concurrency in `opts` so that the worst case fits in the descriptors left
// under `limit` (those already open are counted). Unchanged when there is plenty.
void fit_descriptor_limit(options& opts, unsigned long limit);

// openat on the ring; on EMFILE/ENFILE waits (1 ms, doubling to 50 ms) and retries, for up
// to 60 s without success, then returns the error. Same result convention as uio::openat.
uio::task<int> open_patiently(int dirfd, const char* path, int flags, mode_t mode = 0);

inline bool out_of_descriptors(int error) {
    return error == 24 /* EMFILE */ || error == 23 /* ENFILE */;
}

}  // namespace uio::fs
