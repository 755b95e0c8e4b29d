// walk_core: what every walk of a tree does, written once. The two walks are built on it:
// the copy walk (copy_walk.hpp: batches on the thread pool, several walkers, entries streamed
// to the workers) and the blocking walk of --check, shard planning and shard finishing
// (tree_walker.hpp: depth first, one thread, a visitor per name). They differ in how they
// go through a tree, not in how they touch it:
// - a directory below a root is opened relative to its parent's descriptor, never following
//   a symlink unless -L asks (a symlink never takes a walk out of the tree);
// - a directory is listed on a stream of its own, "." and ".." left out, and a failed read
//   told apart from the end;
// - a name is stat'ed with one statx(2) (stat_entries.hpp has why not through io_uring);
// - the filters take a name by its path below the root;
// - a directory that cannot be opened or read is reported with its path and errno.
// Blocking calls, but for open_walk_dir_patiently (the ring's openat, loop thread).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include <uio/core/task.hpp>

#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/walker/fd_limits.hpp"

namespace uio::fs {

// The open of a directory below a root: relative, read-only, following a final symlink only
// when `follow` (-L).
constexpr int walk_dir_flags(bool follow) noexcept {
    return O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
}
// Blocking; the descriptor or -1 with errno.
int open_walk_dir(int parent_fd, const std::string& name, bool follow = false);
// On the ring, waiting while out of descriptors (fd_limits.hpp); the descriptor or -errno.
inline uio::task<int> open_walk_dir_patiently(int parent_fd, const char* name, bool follow) {
    return open_patiently(parent_fd, name, walk_dir_flags(follow));
}

// A directory's names as readdir gives them, without "." and "..". On a descriptor of its
// own: `duplicate` shares `dir_fd`'s offset (rewound first; no lookup, so a directory
// without search permission still lists), `reopen` opens "." in it (an offset of its own).
class dir_stream {
  public:
    enum class open_as { duplicate, reopen };

    dir_stream(int dir_fd, open_as how);
    ~dir_stream();
    dir_stream(const dir_stream&) = delete;
    dir_stream& operator=(const dir_stream&) = delete;

    int open_error() const noexcept { return open_error_; }
    int read_error() const noexcept { return read_error_; }

    // The next name, or null at the end or on a failed read (read_error()).
    const dirent* next() noexcept {
        if (!dir_) return nullptr;
        for (;;) {
            errno = 0;
            const dirent* d = ::readdir(dir_);
            if (!d) {
                read_error_ = errno;
                return nullptr;
            }
            const std::string_view name = d->d_name;
            if (name != "." && name != "..") return d;
        }
    }

  private:
    DIR* dir_ = nullptr;
    int open_error_ = 0;
    int read_error_ = 0;
};

// statx of `name` in `dir_fd` into `st` (following a final symlink only when `follow`).
// Returns 0 or the errno.
int stat_name(int dir_fd, const char* name, bool follow, struct stat& st) noexcept;

// struct stat from a statx with STATX_BASIC_STATS.
struct stat stat_from_statx(const struct statx& x) noexcept;

// Whether the filters keep a name out of the walk, by its path below the root ("a/b/name").
inline bool walk_excludes(const filter_rules* filters, std::string_view path, bool is_dir) {
    return filters && !filters->empty() && filters->excluded(path, is_dir);
}
// The same from its directory's path below the root ("a/b/", "" at the root) and its name:
// the path is put together only when there are filters (the copy walk's every entry).
inline bool walk_excludes(const filter_rules* filters, std::string_view dir_prefix,
                          std::string_view name, bool is_dir) {
    if (!filters || filters->empty()) return false;
    std::string path;
    path.reserve(dir_prefix.size() + name.size());
    path.append(dir_prefix).append(name);
    return filters->excluded(path, is_dir);
}

// A directory a walk could not open or read: its path and errno. Its names are not walked.
struct walk_failure {
    const char* what;  // "open directory", "read directory"
    std::size_t tree;  // 0: the first tree, 1: the second
    std::string path;  // below the roots, as walk_dir::path (tree_walker.hpp)
    int error;         // errno
};

// "cannot open directory 'root/a': Permission denied", from the path as the caller shows it.
std::string failure_message(const walk_failure& failure, const std::string& shown);

}  // namespace uio::fs
