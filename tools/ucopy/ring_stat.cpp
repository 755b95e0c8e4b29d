// stat_on_ring: every statx of a batch submitted before any is awaited.
#include "ring_stat.hpp"

#include <fcntl.h>
#include <sys/sysmacros.h>

#include <vector>

#include <uio/core/when_all.hpp>
#include <uio/uring/operations.hpp>

namespace ucopy {

namespace {

uio::task<int> stat_one(int dir_fd, const char* name, int flags, struct statx* out) {
    co_return co_await uio::statx(dir_fd, name, flags, STATX_BASIC_STATS, out);
}

}  // namespace

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

uio::task<void> stat_on_ring(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow) {
    const bool lookup = dst_fd >= 0;
    std::vector<struct statx> results(entries.size() * (lookup ? 2 : 1));
    std::vector<uio::task<int>> requests;
    requests.reserve(results.size());
    const int src_flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        requests.push_back(stat_one(src_fd, entries[i].name.c_str(), src_flags, &results[i]));
        if (lookup) {
            requests.push_back(stat_one(dst_fd, entries[i].name.c_str(), AT_SYMLINK_NOFOLLOW,
                                        &results[entries.size() + i]));
        }
    }
    const std::vector<int> done = co_await uio::when_all(std::move(requests));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        raw_entry& e = entries[i];
        const int src = done[lookup ? 2 * i : i];
        if (src < 0) {
            e.error = -src;
            e.failed = "stat";
            continue;
        }
        e.st = stat_from_statx(results[i]);
        if (lookup) {
            e.dst_exists = done[2 * i + 1] == 0;
            if (e.dst_exists) e.dst_st = stat_from_statx(results[entries.size() + i]);
        }
    }
}

}  // namespace ucopy
