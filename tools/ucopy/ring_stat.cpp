// stat_entries: one statx_batch per batch of names, both sides together.
#include "ring_stat.hpp"

#include <fcntl.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <vector>

#include <uio/uring/statx_batch.hpp>

namespace ucopy {

struct stat stat_from_statx(const struct statx& x) noexcept {
    struct stat st {};
    st.st_dev = makedev(x.stx_dev_major, x.stx_dev_minor);
    st.st_ino = x.stx_ino;
    st.st_mode = x.stx_mode;
    st.st_nlink = x.stx_nlink;
    st.st_uid = x.stx_uid;
    st.st_gid = x.stx_gid;
    st.st_rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
    st.st_size = static_cast<off_t>(x.stx_size);
    st.st_blksize = static_cast<blksize_t>(x.stx_blksize);
    st.st_blocks = static_cast<blkcnt_t>(x.stx_blocks);
    st.st_atim = {x.stx_atime.tv_sec, x.stx_atime.tv_nsec};
    st.st_mtim = {x.stx_mtime.tv_sec, x.stx_mtime.tv_nsec};
    st.st_ctim = {x.stx_ctime.tv_sec, x.stx_ctime.tv_nsec};
    return st;
}

void stat_entries(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow) {
    const bool lookup = dst_fd >= 0;
    const std::size_t per_entry = lookup ? 2 : 1;
    // Kept per thread: a walk makes one call per 256 names, and fresh vectors each time
    // cost page faults (glibc gives a thread arena's free memory back at once).
    thread_local std::vector<struct statx> results;
    thread_local std::vector<uio::statx_request> requests;
    results.resize(entries.size() * per_entry);
    requests.resize(entries.size() * per_entry);
    const int src_flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const char* name = entries[i].name.c_str();
        requests[per_entry * i] = {src_fd, name, src_flags, &results[per_entry * i], 0};
        if (lookup) {
            requests[2 * i + 1] = {dst_fd, name, AT_SYMLINK_NOFOLLOW, &results[2 * i + 1], 0};
        }
    }
    if (lookup) {
        uio::statx_batch(requests);
    } else {
        // A new destination: one stat per name. statx on a ring always goes to an io-wq
        // worker, whose hand-off cost the copy of a small file more than the stat itself.
        for (uio::statx_request& r : requests) {
            r.error =
                ::statx(r.dir_fd, r.name, r.flags, STATX_BASIC_STATS, r.result) == 0 ? 0 : errno;
        }
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        raw_entry& e = entries[i];
        const uio::statx_request& src = requests[per_entry * i];
        if (src.error != 0) {
            e.error = src.error;
            e.failed = "stat";
            continue;
        }
        e.st = stat_from_statx(results[per_entry * i]);
        if (lookup) {
            e.dst_exists = requests[2 * i + 1].error == 0;
            if (e.dst_exists) e.dst_st = stat_from_statx(results[2 * i + 1]);
        }
    }
}

}  // namespace ucopy
