// Each *at call is tried once; ENOSYS switches to the /proc path for the rest of the run.
#include "uio/fs/mover/xattr_at.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/types.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>

namespace uio::fs {

namespace {

#ifndef SYS_getxattrat
constexpr long SYS_getxattrat = 464;  // x86-64 and the generic table alike
#endif
#ifndef SYS_listxattrat
constexpr long SYS_listxattrat = 465;
#endif

// getxattrat's argument block (include/uapi/linux/xattr.h, not in Debian 12's headers).
struct xattr_args {
    __aligned_u64 value;
    __u32 size;
    __u32 flags;
};

std::atomic<bool> have_listxattrat{true};
std::atomic<bool> have_getxattrat{true};

struct proc_path {
    char text[64 + NAME_MAX];
    proc_path(int dir_fd, const char* name) {
        std::snprintf(text, sizeof text, "/proc/self/fd/%d/%s", dir_fd, name);
    }
};

}  // namespace

ssize_t list_xattrs_at(int dir_fd, const char* name, bool follow, char* list, std::size_t size) {
    if (have_listxattrat.load(std::memory_order_relaxed)) {
        const ssize_t n =
            ::syscall(SYS_listxattrat, dir_fd, name, follow ? 0 : AT_SYMLINK_NOFOLLOW, list, size);
        if (n >= 0 || errno != ENOSYS) return n;
        have_listxattrat = false;
    }
    const proc_path path(dir_fd, name);
    return follow ? ::listxattr(path.text, list, size) : ::llistxattr(path.text, list, size);
}

ssize_t get_xattr_at(int dir_fd, const char* name, bool follow, const char* key, void* value,
                     std::size_t size) {
    if (have_getxattrat.load(std::memory_order_relaxed)) {
        xattr_args args{};
        args.value = reinterpret_cast<std::uintptr_t>(value);
        args.size = static_cast<__u32>(size);
        const ssize_t n = ::syscall(SYS_getxattrat, dir_fd, name, follow ? 0 : AT_SYMLINK_NOFOLLOW,
                                    key, &args, sizeof args);
        if (n >= 0 || errno != ENOSYS) return n;
        have_getxattrat = false;
    }
    const proc_path path(dir_fd, name);
    return follow ? ::getxattr(path.text, key, value, size)
                  : ::lgetxattr(path.text, key, value, size);
}

}  // namespace uio::fs
