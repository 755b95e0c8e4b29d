// The descriptor budget of fd_limits.hpp. Worst cases per unit of concurrency:
//   a file in flight: its source and its copy (2), plus the directories of entries queued
//     behind it, each possibly of another directory (2 more);
//   a walker: the directory pair it lists plus the duplicate its reader holds (3);
//   a small-file chain batch: the directory pair its files are in (2), and a ring per thread.
#include "uio/fs/walker/fd_limits.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include <uio/uring/operations.hpp>
#include <uio/uring/timeout.hpp>

namespace uio::fs {

namespace {

// Descriptors open now (/proc/self/fd minus the one listing it); a guess when unreadable.
unsigned long open_descriptors() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return 16;
    unsigned long n = 0;
    while (dirent* d = ::readdir(dir)) n += d->d_name[0] != '.';
    ::closedir(dir);
    return n > 0 ? n - 1 : 0;
}

// io_context ring and eventfd, thread-pool wake-ups, SQLite's temporary files, the scans for
// stale temporaries, the top directories of each command-line root.
constexpr unsigned long reserve = 12;

}  // namespace

unsigned long raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1ul << 20 : static_cast<unsigned long>(limit.rlim_cur);
}

void fit_descriptor_limit(options& opts, unsigned long limit) {
    unsigned threads = opts.chain_threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const unsigned long used = open_descriptors() + reserve + threads;
    const unsigned long left = limit > used ? limit - used : 0;
    unsigned batches = opts.chain_batches != 0 ? opts.chain_batches : 2 * threads;
    const unsigned long wanted = 4ul * opts.queue_depth + 3ul * opts.walkers + 2ul * batches;
    if (left >= wanted) return;
    // Scarce: one of each at least, then files in flight get what the others leave.
    opts.walkers = static_cast<unsigned>(std::clamp<unsigned long>(left / 16, 1, opts.walkers));
    batches = static_cast<unsigned>(std::clamp<unsigned long>(left / 8, 1, batches));
    opts.chain_batches = batches;
    const unsigned long others = 3ul * opts.walkers + 2ul * batches;
    const unsigned long files = left > others ? (left - others) / 4 : 1;
    opts.queue_depth = static_cast<unsigned>(std::clamp<unsigned long>(files, 1, opts.queue_depth));
    // A chain ring registers 2 x depth direct descriptors, which the kernel checks against the
    // limit (they take no ordinary descriptor).
    opts.chain_depth =
        static_cast<unsigned>(std::clamp<unsigned long>(limit / 4, 1, opts.chain_depth));
}

uio::task<int> open_patiently(int dirfd, const char* path, int flags, mode_t mode) {
    using namespace std::chrono_literals;
    std::chrono::milliseconds pause = 1ms, waited = 0ms;
    for (;;) {
        int fd = co_await uio::openat(dirfd, path, flags, mode);
        if (!out_of_descriptors(-fd) || waited >= 60s) co_return fd;
        co_await uio::sleep_for(pause);
        waited += pause;
        pause = std::min<std::chrono::milliseconds>(pause * 2, 50ms);
    }
}

}  // namespace uio::fs
