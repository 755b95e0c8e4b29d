// Blocking halves of the walk, kept off the loop by the engine (offload).
#include "uio/fs/walker/tree_walk.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "uio/fs/mover/xattr_at.hpp"
#include "uio/fs/planner/sync_check.hpp"

namespace uio::fs {

dir_node::~dir_node() {
    if (write_lifted && dst_fd >= 0) ::fchmod(dst_fd, dst_mode & 07777);
    if (src_fd >= 0) ::close(src_fd);
    if (dst_fd >= 0) ::close(dst_fd);
}

namespace {

// Whether `name` in `dir_fd` has extended attributes (true when it cannot tell). By name,
// since the small-file chains never hold an ordinary descriptor of the source.
bool has_xattrs(int dir_fd, const char* name, bool follow) {
    const ssize_t n = list_xattrs_at(dir_fd, name, follow, nullptr, 0);
    if (n == 0) return false;
    return !(n < 0 && (errno == ENOTSUP || errno == ENODATA));
}

}  // namespace

std::vector<raw_entry> dir_reader::next_names(std::size_t max) {
    std::vector<raw_entry> batch;
    if (stream_.open_error() != 0) return batch;
    batch.reserve(max);
    while (batch.size() < max) {
        const dirent* d = stream_.next();
        if (!d) break;
        batch.emplace_back().name = d->d_name;
    }
    return batch;
}

bool entry_followups::needed(const raw_entry& e) const noexcept {
    if (e.error != 0) return false;
    if (S_ISLNK(e.st.st_mode)) return true;
    if (xattrs && S_ISREG(e.st.st_mode)) return true;
    return compares_xattrs(e);
}

bool entry_followups::compares_xattrs(const raw_entry& e) const noexcept {
    return compare_xattrs && e.dst_exists && !S_ISDIR(e.st.st_mode) &&
           (e.st.st_mode & S_IFMT) == (e.dst_st.st_mode & S_IFMT) &&
           xattrs_worth_comparing(e.st, e.dst_st, every_xattr);
}

void finish_entries(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow,
                    const entry_followups& followups) {
    for (raw_entry& e : entries) {
        if (!followups.needed(e)) continue;
        const char* name = e.name.c_str();
        if (S_ISLNK(e.st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = ::readlinkat(src_fd, name, target, sizeof target);
            if (n < 0) {
                e.error = errno;
                e.failed = "read symbolic link";
                continue;
            }
            e.link_target.assign(target, static_cast<std::size_t>(n));
        }
        if (followups.xattrs && S_ISREG(e.st.st_mode)) {
            e.has_xattrs = has_xattrs(src_fd, name, follow);
        }
        if (dst_fd >= 0 && followups.compares_xattrs(e)) {
            e.xattrs_differ = !same_xattrs(src_fd, name, follow, dst_fd, name);
        }
    }
}

// Names only (no stat per entry): this also runs on the parent of a destination, which may
// be a large directory of someone else's files.
namespace {

template <typename F>
void for_each_name(int dir_fd, F&& f) {
    dir_stream stream(dir_fd, dir_stream::open_as::reopen);
    while (const dirent* d = stream.next()) f(std::string_view(d->d_name));
}

}  // namespace

std::vector<listed_name> list_directory(int dir_fd, int& error) {
    std::vector<listed_name> names;
    dir_stream stream(dir_fd, dir_stream::open_as::reopen);
    error = stream.open_error();
    if (error != 0) return names;
    while (const dirent* d = stream.next()) {
        bool is_dir = d->d_type == DT_DIR;
        if (d->d_type == DT_UNKNOWN) {
            struct stat st {};
            is_dir = stat_name(dir_fd, d->d_name, false, st) == 0 && S_ISDIR(st.st_mode);
        }
        names.push_back({std::string(d->d_name), is_dir});
    }
    error = stream.read_error();
    return names;
}

namespace {

bool stale_temp(std::string_view name) {
    return is_temp_name(name) && !uio::temp_owner_alive(name);
}

}  // namespace

void remove_stale_temps(int dst_fd) {
    std::vector<std::string> stale;
    for_each_name(dst_fd, [&](std::string_view name) {
        if (stale_temp(name)) stale.emplace_back(name);
    });
    for (const std::string& name : stale) remove_tree(dst_fd, name.c_str());
}

void remove_stale_temps(int dst_fd, const std::vector<listed_name>& listed) {
    for (const listed_name& entry : listed) {
        if (stale_temp(entry.name)) remove_tree(dst_fd, entry.name.c_str());
    }
}

int remove_tree(int dirfd, const char* name) {
    if (::unlinkat(dirfd, name, 0) == 0) return 0;
    if (errno != EISDIR) return errno;
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno;
    ::fchmod(fd, 0700);  // a staged directory may already carry a read-only final mode
    std::vector<std::string> children;
    for_each_name(fd, [&](std::string_view child) { children.emplace_back(child); });
    for (const std::string& child : children) remove_tree(fd, child.c_str());
    ::close(fd);
    return ::unlinkat(dirfd, name, AT_REMOVEDIR) == 0 ? 0 : errno;
}

}  // namespace uio::fs
