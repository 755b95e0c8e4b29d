// The last shard's pass: blocking calls on one thread, over split files and directories only.
// Below the roots, directories are opened relative to their parents and never through a
// symlink (tree_walker.hpp).
#include "uio/fs/publisher/shard_finish.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/tree_walk.hpp"
#include "uio/fs/walker/tree_walker.hpp"

namespace uio::fs {

namespace {

// `root`: the destination's real path, so shards that named it differently agree (a shard
// that found DST made by another copies SRC/. to DST/., one that did not to DST).
std::string marker(const std::string& root, unsigned k, unsigned n) {
    return ".ucopy-shards-" + base_name(root) + "-" + std::to_string(k) + "-of-" +
           std::to_string(n) + ".done";
}

std::string below(const std::string& top, const std::string& path) {
    return path.empty() ? top : top + "/" + path;
}

// Publishes split files, then walks the directories to set their metadata.
class finisher final : public tree_visitor {
  public:
    finisher(const options& opts, const copy_root& root, const shard_plan& plan, report& out)
        : plan_(plan),
          root_(root),
          out_(out),
          meta_{opts.preserve, out, current_umask(), ::geteuid() == 0},
          filters_(make_filter_rules(opts.filters)) {}

    void publish(const std::string& path) {
        const std::string dir = dir_prefix(path), name = base_name(path);
        const std::string display = below(root_.destination, path);
        const std::string source_path = below(root_.source, path);
        fd_holder src_dir{open_dir(below(root_.source, dir))};
        const int src_error = errno;
        fd_holder dst_dir{open_dir(below(root_.destination, dir))};
        if (dst_dir.fd < 0 && errno == ENOENT) return;  // not made yet (see directories)
        if (src_dir.fd < 0 || dst_dir.fd < 0) {
            const int error = dst_dir.fd < 0 ? errno : src_error;
            out_.error("cannot publish " + quote(display) + ": " + std::strerror(error),
                       source_path, display, error);
            return;
        }
        fd_holder source{::openat(src_dir.fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
        struct stat st {};
        if (source.fd < 0 || ::fstat(source.fd, &st) != 0) {
            const int error = errno;
            out_.error("cannot stat " + quote(source_path) + ": " + std::strerror(error),
                       source_path, display, error);
            return;
        }
        const std::string temp = part_name(name);
        fd_holder part{::openat(dst_dir.fd, temp.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC)};
        if (part.fd < 0) {
            // Published by another finisher (which may have stopped before linking), or
            // never made (excluded).
            if (errno == ENOENT) link_names(dst_dir.fd, path, st);
            return;
        }
        // Every range written into this temporary? (A finish that runs early, on another
        // run's markers, leaves it to the shard still writing, which finishes again.)
        struct stat written {};
        if (::fstat(part.fd, &written) != 0) return;
        std::vector<std::string> ranges;
        for (unsigned k = 0; k < plan_.count(); ++k) {
            if (plan_.range(path, static_cast<std::uint64_t>(st.st_size), k).empty()) continue;
            ranges.push_back(range_marker(temp, written.st_ino, k));
            if (::faccessat(dst_dir.fd, ranges.back().c_str(), F_OK, 0) != 0) return;
        }
        apply_metadata_fd(meta_, part.fd, source.fd, st, display);
        if (::renameat(dst_dir.fd, temp.c_str(), dst_dir.fd, name.c_str()) != 0 &&
            errno != ENOENT) {
            const int error = errno;
            out_.error("cannot create " + quote(display) + ": " + std::strerror(error), source_path,
                       display, error);
            return;
        }
        for (const std::string& done : ranges) ::unlinkat(dst_dir.fd, done.c_str(), 0);
        link_names(dst_dir.fd, path, st);
    }

    // A split file's other names (-a, shard_plan.hpp), linked to it once it is published:
    // each made under a temporary name and renamed over whatever the name held.
    void link_names(int dir_fd, const std::string& path, const struct stat& source) {
        if (source.st_nlink < 2) return;
        const std::vector<std::string> names = plan_.other_names(source.st_dev, source.st_ino);
        if (names.empty()) return;
        const std::string name = base_name(path);
        struct stat published {};
        if (::fstatat(dir_fd, name.c_str(), &published, AT_SYMLINK_NOFOLLOW) != 0) return;
        for (const std::string& other : names) {
            const std::string display = below(root_.destination, other);
            fd_holder to{open_dir(below(root_.destination, dir_prefix(other)))};
            struct stat now {};
            if (to.fd >= 0 &&
                ::fstatat(to.fd, base_name(other).c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 &&
                now.st_dev == published.st_dev && now.st_ino == published.st_ino) {
                continue;  // linked by an earlier finish
            }
            const std::string temp = temp_name();
            const std::string source_path = below(root_.source, other);
            if (to.fd < 0 || ::linkat(dir_fd, name.c_str(), to.fd, temp.c_str(), 0) != 0) {
                const int error = errno;
                out_.error("cannot create hard link " + quote(display) + " to " +
                               quote(below(root_.destination, path)) + ": " + std::strerror(error),
                           source_path, display, error);
                continue;
            }
            if (::renameat(to.fd, temp.c_str(), to.fd, base_name(other).c_str()) != 0) {
                const int error = errno;
                out_.error(
                    "cannot create hard link " + quote(display) + ": " + std::strerror(error),
                    source_path, display, error);
                ::unlinkat(to.fd, temp.c_str(), 0);
                continue;
            }
            ++out_.hard_links;
        }
    }

    // Directories' metadata, children first (a child's metadata moves no parent's mtime, but
    // its last file's rename did, before this pass): the source's directories walked with
    // the copy's beside them (tree_walker.hpp), each set as the walk leaves it.
    void directories() {
        // The roots by their paths (a root may be a symlink to its tree), reported as any
        // directory below them.
        fd_holder src{open_dir(root_.source)};
        if (src.fd < 0) return unreadable({"open directory", 0, "", errno});
        fd_holder dst{open_dir(root_.destination)};
        if (dst.fd < 0) return unreadable({"open directory", 1, "", errno});
        walk_settings beside;
        beside.second_tree = true;
        beside.sorted = false;  // the order does not matter here
        beside.stat = false;    // only which names are directories
        beside.filters = &filters_;
        tree_walker(beside, *this).walk({src.fd, dst.fd});
    }

  private:
    step visit(const walk_dir&, const walk_name& name) override {
        return name.is_dir[0] ? step::descend : step::skip;
    }
    void leave(const walk_dir& dir) override {
        struct stat st {};
        if (::fstat(dir.fd[0], &st) == 0) {
            apply_metadata_fd(meta_, dir.fd[1], dir.fd[0], st, below(root_.destination, dir.path));
        }
    }
    void unreadable(const walk_failure& failure) override {
        // The copy's directory not made yet: a finish come early on an earlier run's markers;
        // the shard that makes it finishes again when it ends.
        if (failure.tree == 1 && failure.error == ENOENT) return;
        const std::string source = below(root_.source, failure.path);
        const std::string destination = below(root_.destination, failure.path);
        if (std::string_view(failure.what) == "read directory") {
            // Its metadata is still set (leave), as cp sets an unreadable directory's.
            out_.error(failure_message(failure, source), source, destination, failure.error);
            return;
        }
        out_.error("cannot set the metadata of " + quote(destination) + ": " +
                       std::strerror(failure.error),
                   source, destination, failure.error);
    }
    static int open_dir(const std::string& path) {
        return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    static mode_t current_umask() {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        return mask;
    }

    const shard_plan& plan_;
    const copy_root& root_;
    report& out_;
    metadata_context meta_;
    filter_rules filters_;
};

}  // namespace

void finish_shard(const options& opts, const copy_root& root, const shard_plan& plan, report& out) {
    char* real = ::realpath(root.destination.c_str(), nullptr);
    if (!real) {
        const int error = errno;
        out.error("cannot access " + quote(root.destination) + ": " + std::strerror(error),
                  root.source, root.destination, error);
        return;
    }
    const std::string destination = real;
    std::free(real);
    const std::string parent = dir_prefix(destination);
    fd_holder dir{
        ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.fd < 0) {
        const int error = errno;
        out.error("cannot open directory " + quote(parent) + ": " + std::strerror(error), {},
                  parent, error);
        return;
    }
    const std::string mine = marker(destination, plan.index(), plan.count());
    fd_holder made{::openat(dir.fd, mine.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600)};
    if (made.fd < 0) {
        const int error = errno;
        out.error("cannot create " + quote(parent + mine) + ": " + std::strerror(error), {},
                  parent + mine, error);
        return;
    }
    for (unsigned k = 0; k < plan.count(); ++k) {
        if (::faccessat(dir.fd, marker(destination, k, plan.count()).c_str(), F_OK, 0) != 0) return;
    }
    finisher last(opts, root, plan, out);
    for (const std::string& path : plan.split_paths()) last.publish(path);
    last.directories();
}

void forget_shard(const copy_root& root, const shard_plan& plan) {
    char* real = ::realpath(root.destination.c_str(), nullptr);
    if (!real) return;  // not made yet: no marker either
    const std::string destination = real;
    std::free(real);
    const std::string parent = dir_prefix(destination);
    const std::string mine = marker(destination, plan.index(), plan.count());
    ::unlink((parent + mine).c_str());
}

}  // namespace uio::fs
