// stat_entries: statx(2) per name, both sides, on the pool thread that lists the batch.
#include "uio/fs/walker/stat_entries.hpp"

#include <fcntl.h>
#include <sys/sysmacros.h>

#include <cerrno>

namespace uio::fs {

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
    const int src_flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    struct statx x {};
    for (raw_entry& e : entries) {
        const char* name = e.name.c_str();
        if (::statx(src_fd, name, src_flags, STATX_BASIC_STATS, &x) != 0) {
            e.error = errno;
            e.failed = "stat";
            continue;
        }
        e.st = stat_from_statx(x);
        if (dst_fd < 0) continue;
        e.dst_exists = ::statx(dst_fd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &x) == 0;
        if (e.dst_exists) e.dst_st = stat_from_statx(x);
    }
}

}  // namespace uio::fs
