// The quick check is all stat fields the walk already has: no system call per unchanged file.
#include "uio/fs/planner/sync_check.hpp"

#include <cerrno>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

#include <uio/uring/stat_time.hpp>

#include "uio/fs/mover/xattr_at.hpp"
#include "uio/fs/name_escape.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

entry_changes quick_check(const struct stat& source, const struct stat& destination,
                          const preserve_set& preserve) {
    entry_changes c;
    c.type = (source.st_mode & S_IFMT) != (destination.st_mode & S_IFMT) ||
             ((S_ISCHR(source.st_mode) || S_ISBLK(source.st_mode)) &&
              source.st_rdev != destination.st_rdev);
    if (c.type) return c;
    const bool regular = S_ISREG(source.st_mode);
    c.size = regular && source.st_size != destination.st_size;
    // Symlinks' times are set too (utimensat with AT_SYMLINK_NOFOLLOW), directories' at the end.
    c.time = preserve.timestamps && mtime_ns(source) != mtime_ns(destination);
    c.perms = preserve.mode && !S_ISLNK(source.st_mode) &&
              (source.st_mode & 07777) != (destination.st_mode & 07777);
    c.owner = preserve.ownership && source.st_uid != destination.st_uid;
    c.group = preserve.ownership && source.st_gid != destination.st_gid;
    return c;
}

namespace {

using xattr_list = std::vector<std::pair<std::string, std::string>>;

// Sorted (name, value) pairs; false when they cannot be read.
bool read_xattrs(int dir_fd, const char* name, bool follow, xattr_list& out) {
    ssize_t n = list_xattrs_at(dir_fd, name, follow, nullptr, 0);
    if (n <= 0) return n == 0 || errno == ENOTSUP;  // none, or none possible here
    std::string names(static_cast<std::size_t>(n), '\0');
    n = list_xattrs_at(dir_fd, name, follow, names.data(), names.size());
    if (n < 0) return false;
    names.resize(static_cast<std::size_t>(n));
    for (std::size_t at = 0; at < names.size();) {
        const std::string key(names.c_str() + at);
        at += key.size() + 1;
        ssize_t size = get_xattr_at(dir_fd, name, follow, key.c_str(), nullptr, 0);
        if (size < 0) return false;
        std::string value(static_cast<std::size_t>(size), '\0');
        size = get_xattr_at(dir_fd, name, follow, key.c_str(), value.data(), value.size());
        if (size < 0) return false;
        value.resize(static_cast<std::size_t>(size));
        out.emplace_back(key, std::move(value));
    }
    std::sort(out.begin(), out.end());
    return true;
}

char type_letter(const struct stat& st) {
    if (S_ISREG(st.st_mode)) return 'f';
    if (S_ISDIR(st.st_mode)) return 'd';
    if (S_ISLNK(st.st_mode)) return 'L';
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return 'D';
    return 'S';  // fifos and sockets
}

}  // namespace

bool xattrs_worth_comparing(const struct stat& source, const struct stat& destination,
                            bool every) noexcept {
    if (every) return true;
    return uio::ctime_ns(source) >= uio::ctime_ns(destination);  // same instant: cannot tell
}

bool same_xattrs(int src_dirfd, const char* src_name, bool follow, int dst_dirfd,
                 const char* dst_name) {
    xattr_list source, destination;
    if (!read_xattrs(src_dirfd, src_name, follow, source)) return false;
    if (!read_xattrs(dst_dirfd, dst_name, false, destination)) return false;
    return source == destination;
}

std::string itemize(char update, const struct stat& source, const entry_changes& c, bool created,
                    std::string_view path) {
    std::string line;
    line += update;
    line += type_letter(source);
    if (created || c.type) {
        line += "+++++++++";
    } else {
        line += c.contents ? 'c' : '.';
        line += c.size ? 's' : '.';
        line += c.time ? 't' : '.';
        line += c.perms ? 'p' : '.';
        line += c.owner ? 'o' : '.';
        line += c.group ? 'g' : '.';
        line += "..";  // u (unused here), a (ACLs travel as xattrs)
        line += c.xattrs ? 'x' : '.';
    }
    line += ' ';
    append_escaped_name(path, line);
    return line;
}

std::string itemize_deletion(std::string_view path) {
    std::string line = "*deleting   ";
    append_escaped_name(path, line);
    return line;
}

}  // namespace uio::fs
