// The checker walks both trees at once (tree_walker.hpp) with blocking calls on one thread: it
// reads metadata only (plus both files' bytes with --checksum), and a stable, sorted report matters
// more here than the copy engine's parallelism.
#include "uio/fs/tree_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/planner/sync_check.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/tree_walker.hpp"

namespace uio::fs {

namespace {

std::string octal(mode_t mode) {
    char text[16];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::string type_name(mode_t mode) {
    if (S_ISREG(mode)) return "file";
    if (S_ISDIR(mode)) return "directory";
    if (S_ISLNK(mode)) return "symlink";
    if (S_ISFIFO(mode)) return "fifo";
    if (S_ISSOCK(mode)) return "socket";
    return S_ISCHR(mode) ? "char-device" : "block-device";
}

// ISO 8601 in UTC with the nanoseconds a file system keeps: 2020-09-13T12:26:40.000000005Z.
std::string time_text(const struct stat& st) {
    struct tm utc {};
    const time_t seconds = st.st_mtim.tv_sec;
    char text[64];
    if (::gmtime_r(&seconds, &utc) == nullptr) {  // beyond what struct tm holds
        std::snprintf(text, sizeof text, "%lld.%09ld s since the epoch",
                      static_cast<long long>(seconds), st.st_mtim.tv_nsec);
        return text;
    }
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%09ldZ", st.st_mtim.tv_nsec);
    return text;
}

// The walk (tree_walker.hpp) lists both trees, merged by name; the checker compares.
class checker final : public tree_visitor {
  public:
    explicit checker(const options& opts) : opts_(opts) {}

    void run(const std::string& source, const std::string& destination) {
        // Each root as (its parent directory, its name), compared as any name is, then walked.
        fd_holder src_parent, dst_parent;
        src_parent.fd = open_parent(source);
        int failed = errno;
        if (src_parent.fd >= 0) {
            dst_parent.fd = open_parent(destination);
            failed = errno;
        }
        if (src_parent.fd < 0 || dst_parent.fd < 0) {
            error(".",
                  "cannot open " + quote(src_parent.fd < 0 ? source : destination) + ": " +
                      std::strerror(failed),
                  failed);
            return;
        }
        compare(src_parent.fd, base_name(source), dst_parent.fd, base_name(destination));
    }

    std::uint64_t differences() const { return differences_; }
    std::uint64_t checked() const { return checked_; }
    std::uint64_t errors() const { return errors_; }

  private:
    static int open_parent(const std::string& path) {
        std::string parent = dir_prefix(path);
        return ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }

    void differ(const std::string& what, const std::string& path, const std::string& source = {},
                const std::string& destination = {}) {
        ++differences_;
        say(difference_message(opts_, what, path, source, destination));
    }

    // The entry at `path` could not be read: `message` names it, `error_number` is the errno.
    void error(const std::string& path, const std::string& message, int error_number) {
        ++errors_;
        say(check_error_message(opts_, path, message, error_number));
        differ("unreadable", path);
    }

    void say(const tree_message& message) const {
        if (opts_.on_message) opts_.on_message(message);
    }

    // The roots, named by their parents: the walk starts below them.
    void compare(int src_dir, const std::string& src_name, int dst_dir,
                 const std::string& dst_name) {
        const std::string path = ".";
        ++checked_;
        struct stat s {
        }, d{};
        if (::fstatat(src_dir, src_name.c_str(), &s, AT_SYMLINK_NOFOLLOW) != 0) {
            const int failed = errno;
            error(path, "cannot stat source of " + quote(path) + ": " + std::strerror(failed),
                  failed);
            return;
        }
        if (::fstatat(dst_dir, dst_name.c_str(), &d, AT_SYMLINK_NOFOLLOW) != 0) {
            const int failed = errno;
            if (failed == ENOENT) {
                differ("only-in-source", path);
            } else {
                error(path,
                      "cannot stat destination of " + quote(path) + ": " + std::strerror(failed),
                      failed);
            }
            return;
        }
        if (!compare_stats(src_dir, src_name, dst_dir, dst_name, path, s, d)) return;
        walk_settings both;
        both.second_tree = true;
        both.list_second = true;
        tree_walker walker(both, *this);
        walker.walk_below({src_dir, dst_dir}, {src_name, dst_name}, "");
    }

    // A name of a directory both trees hold, with both sides' stats.
    step visit(const walk_dir& dir, const walk_name& name) override {
        const std::string& path = name.path;
        if (!name.in[1]) {
            ++checked_;
            differ("only-in-source", path);
            return step::skip;
        }
        if (!name.in[0]) {
            differ("only-in-destination", path);
            return step::skip;
        }
        ++checked_;
        if (name.stat_error[0] != 0) {
            error(path,
                  "cannot stat source of " + quote(path) + ": " + std::strerror(name.stat_error[0]),
                  name.stat_error[0]);
            return step::skip;
        }
        if (name.stat_error[1] != 0) {
            if (name.stat_error[1] == ENOENT) {
                differ("only-in-source", path);
            } else {
                error(path,
                      "cannot stat destination of " + quote(path) + ": " +
                          std::strerror(name.stat_error[1]),
                      name.stat_error[1]);
            }
            return step::skip;
        }
        const bool directories =
            compare_stats(dir.fd[0], name.name, dir.fd[1], name.name, path, name.st[0], name.st[1]);
        return directories ? step::descend : step::skip;
    }

    void unreadable(const walk_failure& failure) override {
        const std::string path = failure.path.empty() ? "." : failure.path;
        error(path, failure_message(failure, path), failure.error);
    }

    // Everything but a directory's contents; true when both are directories (to walk).
    bool compare_stats(int src_dir, const std::string& src_name, int dst_dir,
                       const std::string& dst_name, const std::string& path, const struct stat& s,
                       const struct stat& d) {
        // Everything -a preserves, whatever this command's own --preserve says.
        const entry_changes c = quick_check(s, d, {true, true, true, true, true});
        if (c.type) {
            differ("type", path, type_name(s.st_mode), type_name(d.st_mode));
            return false;
        }
        if (c.size) differ("size", path, std::to_string(s.st_size), std::to_string(d.st_size));
        if (c.time) differ("mtime", path, time_text(s), time_text(d));
        if (c.perms) differ("mode", path, octal(s.st_mode), octal(d.st_mode));
        if (c.owner || c.group) {
            differ("owner", path, std::to_string(s.st_uid) + ":" + std::to_string(s.st_gid),
                   std::to_string(d.st_uid) + ":" + std::to_string(d.st_gid));
        }
        if (!same_xattrs(src_dir, src_name.c_str(), false, dst_dir, dst_name.c_str())) {
            differ("xattrs", path);
        }
        if (S_ISLNK(s.st_mode)) {
            const std::string a = read_link(src_dir, src_name), b = read_link(dst_dir, dst_name);
            if (a != b) differ("target", path, a, b);
        } else if (S_ISREG(s.st_mode)) {
            check_links(s, d, path);
            if (opts_.checksum && !c.size)
                check_contents(src_dir, src_name, dst_dir, dst_name, path, s.st_size);
        }
        return S_ISDIR(s.st_mode);
    }

    static std::string read_link(int dir, const std::string& name) {
        char text[PATH_MAX];
        ssize_t n = ::readlinkat(dir, name.c_str(), text, sizeof text);
        return n < 0 ? std::string() : std::string(text, static_cast<std::size_t>(n));
    }

    // Names of one inode in SRC must be names of one inode in DST, and the other way round.
    void check_links(const struct stat& s, const struct stat& d, const std::string& path) {
        if (s.st_nlink < 2 && d.st_nlink < 2) return;
        const std::pair<dev_t, ino_t> sk{s.st_dev, s.st_ino}, dk{d.st_dev, d.st_ino};
        auto [to_dst, new_src] = source_inodes_.try_emplace(sk, dk);
        auto [to_src, new_dst] = destination_inodes_.try_emplace(dk, sk);
        if (to_dst->second != dk || to_src->second != sk) {
            differ("links", path);
        } else if (s.st_nlink != d.st_nlink) {
            differ("links", path, std::to_string(s.st_nlink), std::to_string(d.st_nlink));
        }
    }

    // Where both files are holes from `at` on, both read as zeros: the offset of the nearer
    // data (`size` if neither has more), so the zeros are not read and compared. `at` when
    // the file system cannot tell (no SEEK_DATA): everything is read.
    static off_t past_common_hole(int a, int b, off_t at, off_t size) {
        off_t next = size;
        for (int fd : {a, b}) {
            const off_t data = ::lseek(fd, at, SEEK_DATA);
            if (data >= 0) {
                next = std::min(next, data);
            } else if (errno != ENXIO) {  // ENXIO: no data at or after `at`
                return at;
            }
        }
        return std::max(next, at);
    }

    // Both files' bytes (their sizes are equal): a 3 GiB sparse file with three 4 KiB islands
    // costs a few lseeks and reads, not 3 GiB of zeros read from each side.
    void check_contents(int src_dir, const std::string& src_name, int dst_dir,
                        const std::string& dst_name, const std::string& path, off_t size) {
        fd_holder a, b;
        a.fd = ::openat(src_dir, src_name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        int open_error = errno;
        if (a.fd >= 0) {
            b.fd = ::openat(dst_dir, dst_name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            open_error = errno;
        }
        if (a.fd < 0 || b.fd < 0) {
            error(path, "cannot open " + quote(path) + " for reading: " + std::strerror(open_error),
                  open_error);
            return;
        }
        ::posix_fadvise(a.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        ::posix_fadvise(b.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        constexpr std::size_t chunk = 1 << 20;
        std::vector<char> x(chunk), y(chunk);
        for (off_t at = 0;;) {
            at = past_common_hole(a.fd, b.fd, at, size);
            const ssize_t n = ::pread(a.fd, x.data(), chunk, at);
            const int source_error = errno;
            const ssize_t m = n < 0 ? 0 : ::pread(b.fd, y.data(), chunk, at);
            if (n < 0 || m < 0) {
                const int error_number = n < 0 ? source_error : errno;
                error(path, "cannot read " + quote(path) + ": " + std::strerror(error_number),
                      error_number);
                return;
            }
            if (n != m || std::memcmp(x.data(), y.data(), static_cast<std::size_t>(n)) != 0) {
                differ("contents", path);
                return;
            }
            if (n == 0) return;
            at += n;
        }
    }

    const options& opts_;
    std::uint64_t differences_ = 0, checked_ = 0, errors_ = 0;
    std::map<std::pair<dev_t, ino_t>, std::pair<dev_t, ino_t>> source_inodes_, destination_inodes_;
};

}  // namespace

check_stats check_trees(const options& opts) {
    checker check(opts);
    check.run(opts.sources.front(), opts.destination);
    return check_stats{check.checked(), check.differences(), check.errors()};
}

}  // namespace uio::fs
