// Metadata system calls and the policy for their failures (which are errors, which are
// warnings, which cp ignores).
#include "uio/fs/publisher/metadata.hpp"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace uio::fs {

namespace {

// "what 'display': reason" about the destination `display`, errno's reason (read first).
void failed(const metadata_context& ctx, const char* what, const std::string& display,
            int error = errno) {
    ctx.out.error(what + quote(display) + ": " + std::strerror(error), {}, display, error);
}

void ownership_failed(const metadata_context& ctx, int error, const std::string& display) {
    // cp -a as an ordinary user keeps going silently when it may not give files away.
    if (!ctx.may_chown && (error == EPERM || error == EINVAL)) return;
    failed(ctx, "failed to preserve ownership for ", display, error);
}

}  // namespace

mode_t final_mode(const metadata_context& ctx, const struct stat& source) {
    mode_t bits = source.st_mode & 07777;
    if (!ctx.preserve.mode) bits &= ~ctx.umask_bits & 0777;
    return bits;
}

void drop_other_xattrs(int source_fd, int destination_fd) {
    std::vector<char> names(4096);
    ssize_t n;
    while ((n = ::flistxattr(destination_fd, names.data(), names.size())) < 0 && errno == ERANGE) {
        names.resize(names.size() * 4);
    }
    for (ssize_t at = 0; at < n; at += static_cast<ssize_t>(std::strlen(&names[at])) + 1) {
        const char* key = &names[at];
        if (::fgetxattr(source_fd, key, nullptr, 0) < 0 && errno == ENODATA) {
            ::fremovexattr(destination_fd, key);
        }
    }
}

void copy_xattrs(const metadata_context& ctx, int source_fd, int destination_fd,
                 const std::string& display) {
    std::vector<char> names(4096);
    ssize_t length;
    while ((length = ::flistxattr(source_fd, names.data(), names.size())) < 0 && errno == ERANGE) {
        names.resize(names.size() * 4);
    }
    if (length < 0) {
        if (errno == ENOTSUP) return;  // the source has none to give
        failed(ctx, "cannot list extended attributes of ", display);
        return;
    }
    std::vector<char> value(4096);
    for (ssize_t at = 0; at < length; at += static_cast<ssize_t>(std::strlen(&names[at])) + 1) {
        const char* name = &names[at];
        ssize_t size;
        while ((size = ::fgetxattr(source_fd, name, value.data(), value.size())) < 0 &&
               errno == ERANGE) {
            value.resize(value.size() * 4);
        }
        if (size < 0) continue;  // vanished meanwhile
        if (::fsetxattr(destination_fd, name, value.data(), static_cast<std::size_t>(size), 0) ==
            0) {
            continue;
        }
        bool user = std::strncmp(name, "user.", 5) == 0;
        if (errno == ENOTSUP) {
            ctx.out.warning("the destination file system does not support extended attributes");
        } else if (user) {
            const int error = errno;
            ctx.out.error("failed to preserve extended attribute " + std::string(name) + " of " +
                              quote(display) + ": " + std::strerror(error),
                          {}, display, error);
        } else if (errno != EPERM) {  // trusted.*, security.*: only where permitted
            ctx.out.warning("cannot preserve " + std::string(name) + ": " + std::strerror(errno));
        }
    }
}

void apply_metadata_fd(const metadata_context& ctx, int fd, int source_fd,
                       const struct stat& source, const std::string& display,
                       const created_as* created) {
    const bool owned = created && created->uid == source.st_uid && created->gid == source.st_gid;
    if (ctx.preserve.ownership && !owned && ::fchown(fd, source.st_uid, source.st_gid) != 0) {
        ownership_failed(ctx, errno, display);
    }
    if (ctx.preserve.xattr && source_fd >= 0) copy_xattrs(ctx, source_fd, fd, display);
    const mode_t mode = final_mode(ctx, source);
    // Set-id bits are not trusted to survive a chown or a write: those always get a chmod.
    const bool mode_set = created && created->mode == mode && (mode & 07000) == 0;
    if (!mode_set && ::fchmod(fd, mode) != 0) {
        failed(ctx, "failed to set the permissions of ", display);
    }
    if (ctx.preserve.timestamps) {
        const struct timespec times[2] = {source.st_atim, source.st_mtim};
        if (::futimens(fd, times) != 0) failed(ctx, "failed to preserve times for ", display);
    }
}

void apply_metadata_at(const metadata_context& ctx, int dirfd, const char* name,
                       const struct stat& source, const std::string& display) {
    bool symlink = S_ISLNK(source.st_mode);
    if (ctx.preserve.ownership &&
        ::fchownat(dirfd, name, source.st_uid, source.st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
        ownership_failed(ctx, errno, display);
    }
    if (!symlink && ::fchmodat(dirfd, name, final_mode(ctx, source), 0) != 0) {
        failed(ctx, "failed to set the permissions of ", display);
    }
    if (ctx.preserve.timestamps) {
        const struct timespec times[2] = {source.st_atim, source.st_mtim};
        if (::utimensat(dirfd, name, times, AT_SYMLINK_NOFOLLOW) != 0) {
            failed(ctx, "failed to preserve times for ", display);
        }
    }
}

}  // namespace uio::fs
