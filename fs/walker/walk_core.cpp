// walk_core: the opens, listings, stats and failure messages both walks share.
#include "uio/fs/walker/walk_core.hpp"

#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstring>

#include "uio/fs/report.hpp"

namespace uio::fs {

int open_walk_dir(int parent_fd, const std::string& name, bool follow) {
    return ::openat(parent_fd, name.c_str(), walk_dir_flags(follow));
}

dir_stream::dir_stream(int dir_fd, open_as how) {
    const int own = how == open_as::duplicate
                        ? ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0)
                        : ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) {
        open_error_ = errno;
        return;
    }
    dir_ = ::fdopendir(own);
    if (!dir_) {
        open_error_ = errno;
        ::close(own);
        return;
    }
    if (how == open_as::duplicate) ::rewinddir(dir_);  // the offset of a descriptor read before
}

dir_stream::~dir_stream() {
    if (dir_) ::closedir(dir_);
}

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

int stat_name(int dir_fd, const char* name, bool follow, struct stat& st) noexcept {
    struct statx x {};
    if (::statx(dir_fd, name, follow ? 0 : AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &x) != 0) {
        return errno;
    }
    st = stat_from_statx(x);
    return 0;
}

std::string failure_message(const walk_failure& failure, const std::string& shown) {
    return std::string("cannot ") + failure.what + " " + quote(shown) + ": " +
           std::strerror(failure.error);
}

}  // namespace uio::fs
