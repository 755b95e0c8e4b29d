// A small file whose data is in the page cache, copied with plain system calls on the chain
// thread: openat(src), preadv2(RWF_NOWAIT), statx of the open descriptor, close,
// openat(dst, O_CREAT|O_EXCL, final mode), write, fchown/fchmod/futimens as needed, close.
//
// Why not the linked ring chain for these: a create (`openat` with O_CREAT) and a statx are
// always handed to an io-wq worker, so every chained file cost a worker wake-up, two context
// switches and the completion's task work on top of the file system's own work. Measured
// (20,000 x 4 KiB, tmpfs, 9 alternating pairs, machine loaded): the chains used 1.51x the CPU
// of cp -r, nearly all of it system time; these calls use 1.04x (docs/benchmarks.md). The
// ring chain stays for data that is not cached: RWF_NOWAIT refuses to wait for the disk, and
// such a file is left to the ring (small_files.cpp), whose io-wq workers read many at once.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "uio/fs/mover/small_files.hpp"

namespace uio::fs {

bool copy_by_calls(small_file& f, std::byte* buffer) {
    const int test_flags = f.test_failure == 1 ? O_DIRECTORY : 0;  // ENOTDIR
    const int in =
        ::openat(f.src_dirfd, f.src_name, O_RDONLY | O_CLOEXEC | f.src_flags | test_flags);
    if (in < 0) return true;  // not copied: the ordinary path reports it
    // One byte more than the walk saw, so a file that grew is caught by the count too.
    // A file system that refuses RWF_NOWAIT (tmpfs here) keeps its data in memory: plain
    // reads there, remembered per device so it costs one refused call per thread.
    thread_local dev_t refused_device = 0;
    thread_local bool refused = false;
    const bool nowait = f.walked == nullptr || !refused || f.walked->st_dev != refused_device;
    ssize_t n = -1;
    if (nowait) {
        iovec want{buffer, f.size + std::size_t{1}};
        n = ::preadv2(in, &want, 1, 0, RWF_NOWAIT);
        if (n < 0 && errno == EOPNOTSUPP && f.walked != nullptr) {
            refused = true;
            refused_device = f.walked->st_dev;
        }
    }
    if (!nowait || (n < 0 && errno == EOPNOTSUPP)) {
        n = ::pread(in, buffer, f.size + std::size_t{1}, 0);
    }
    if ((n < 0 && errno == EAGAIN) || (n >= 0 && n < static_cast<ssize_t>(f.size))) {
        ::close(in);  // not (all) in the page cache: the ring reads it without blocking us
        return false;
    }
    // After the read, as the ring chain's statx: a write before this stat shows in it.
    struct statx now {};
    const bool stat_ok = ::statx(in, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &now) == 0;
    ::close(in);
    if (!stat_ok || n < 0) return true;
    if (n != static_cast<ssize_t>(f.size) ||
        (f.walked != nullptr && changed_since_walk(now, *f.walked))) {
        f.changed = true;
        return true;
    }
    const int out = ::openat(f.dst_dirfd, f.dst_name,
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f.create_mode);
    if (out < 0) return true;                                   // EEXIST: not ours to remove
    const off_t at = f.test_failure == 2 ? off_t{1} << 62 : 0;  // EFBIG
    if (::pwrite(out, buffer, f.size, at) != static_cast<ssize_t>(f.size)) {
        ::close(out);
        ::unlinkat(f.dst_dirfd, f.dst_name, 0);
        return true;
    }
    f.copied = true;
    // By descriptor: no second path lookup. Owner, mode, times, as metadata.cpp orders them.
    if (f.set_owner && ::fchown(out, f.uid, f.gid) != 0) {
        f.metadata_error = errno;
        f.metadata_step = "ownership";
    } else if (f.set_mode && ::fchmod(out, f.create_mode) != 0) {
        f.metadata_error = errno;
        f.metadata_step = "permissions";
    } else if (f.set_times && ::futimens(out, f.times) != 0) {
        f.metadata_error = errno;
        f.metadata_step = "times";
    }
    ::close(out);
    return true;
}

}  // namespace uio::fs
