// --sync: whether an existing destination needs nothing, its metadata set in place, or a
// copy (sync_decider.hpp).
#include "uio/fs/planner/sync_decider.hpp"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include <uio/core/offload.hpp>
#include <uio/uring/operations.hpp>

#include "uio/fs/name_escape.hpp"
#include "uio/fs/planner/deletion_order.hpp"

namespace uio::fs {

uio::task<bool> sync_decider::same_contents(const entry& e) {
    const int flags = O_RDONLY | (e.follow ? 0 : O_NOFOLLOW);
    const int in = co_await uio::openat(e.dir->src_fd, e.src_name.c_str(), flags);
    if (in == -ENOENT) throw source_vanished(e.src_path());
    if (in < 0) fail("cannot open " + quote(e.src_path()) + " for reading", in);
    const int out = co_await uio::openat(e.dir->dst_fd, e.dst_name.c_str(), O_RDONLY | O_NOFOLLOW);
    if (out < 0) {
        co_await uio::close(in);
        fail("cannot open " + quote(e.dst_path()) + " for reading", out);
    }
    bool same = false;
    std::exception_ptr error;
    try {
        same = co_await mover_->same_contents(in, out, static_cast<std::uint64_t>(e.st.st_size),
                                              {e.src_path(), e.dst_path()});
    } catch (...) {
        error = std::current_exception();
    }
    co_await uio::close(in);
    co_await uio::close(out);
    if (error) std::rethrow_exception(error);
    co_return same;
}

uio::task<bool> sync_decider::synced(entry& e, entry_changes& changes) {
    changes = quick_check(e.st, e.dst_st, opts_.preserve);
    if (changes.type) {
        if (S_ISDIR(e.dst_st.st_mode)) {
            // A whole directory goes only when the user asked for deletions.
            if (!opts_.delete_extraneous) {
                throw copy_error("cannot overwrite directory " + quote(e.dst_path()) +
                                 " with non-directory (--delete replaces it)");
            }
            co_await remove_in_the_way(*e.dir, e.dst_name);
            e.dst_exists = false;
        }
        co_return false;  // anything else is replaced by a rename over it
    }
    changes.xattrs = opts_.preserve.xattr && e.xattrs_differ;
    if (S_ISLNK(e.st.st_mode)) {
        std::string target = co_await uio::offload(pool_, [&] {
            char text[PATH_MAX];
            ssize_t n = ::readlinkat(e.dir->dst_fd, e.dst_name.c_str(), text, sizeof text);
            return n < 0 ? std::string() : std::string(text, static_cast<std::size_t>(n));
        });
        changes.contents = target != e.link_target;
    } else if (S_ISREG(e.st.st_mode) && opts_.checksum && !changes.size) {
        changes.contents = !co_await same_contents(e);
    }
    if (changes.contents || changes.needs_copy(opts_.checksum)) co_return false;
    bool set_through_other_name = false;
    if (changes.metadata() && e.st.st_nlink > 1 && e.dst_st.st_nlink > 1) {
        const std::pair<dev_t, ino_t> source{e.st.st_dev, e.st.st_ino};
        auto [it, first] = metadata_set_.try_emplace({e.dst_st.st_dev, e.dst_st.st_ino}, source);
        set_through_other_name = !first && it->second == source;
    }
    if (!changes.metadata() || set_through_other_name) {
        ++out_.unchanged;
        co_return true;
    }
    if (!opts_.dry_run) co_await update_metadata(e, changes);
    if (opts_.itemize) {
        std::string line = itemize('.', e.st, changes, false, e.dir->relative + e.dst_name);
        if (S_ISLNK(e.st.st_mode)) line += " -> " + escape_name(e.link_target);  // as rsync
        out_.itemize(line, e.src_path(), e.dst_path());
    }
    ++out_.metadata_updated;
    co_return true;
}

uio::task<void> sync_decider::remove_in_the_way(const dir_node& dir, const std::string& name) {
    const std::string relative = dir.relative + name;
    if (opts_.itemize && dir.dst_fd >= 0) {
        // rsync shows what goes with a directory replaced by another type, not the directory
        // itself (the line of what replaces it says so); nothing for a non-directory.
        std::vector<std::string> tree = co_await uio::offload(pool_, [&] {
            int error = 0;
            return tree_in_deletion_order(dir.dst_fd, name, relative, error);
        });
        tree.pop_back();
        for (const std::string& path : tree) {
            out_.deletion(itemize_deletion(path),
                          dir.dst_prefix + path.substr(dir.relative.size()));
        }
    }
    if (opts_.dry_run) co_return;
    const int error = co_await uio::offload(pool_, [&] {
        return backup_ ? backup_->store(dir.dst_fd, name, relative, false)
                       : remove_tree(dir.dst_fd, name.c_str());
    });
    if (error != 0 && error != ENOENT) fail("cannot remove " + quote(dir.dst_prefix + name), error);
    ++out_.deleted;
}

uio::task<void> sync_decider::update_metadata(entry& e, const entry_changes& changes) {
    const std::string display = e.dst_path();
    if (!S_ISREG(e.st.st_mode)) {
        apply_metadata_at(meta_, e.dir->dst_fd, e.dst_name.c_str(), e.st, display);
        co_return;
    }
    const int in = co_await uio::openat(e.dir->src_fd, e.src_name.c_str(),
                                        O_RDONLY | (e.follow ? 0 : O_NOFOLLOW));
    if (in == -ENOENT) throw source_vanished(e.src_path());
    if (in < 0) fail("cannot open " + quote(e.src_path()) + " for reading", in);
    const int out = co_await uio::openat(e.dir->dst_fd, e.dst_name.c_str(), O_RDONLY | O_NOFOLLOW);
    if (out >= 0) {
        if (changes.xattrs) drop_other_xattrs(in, out);
        apply_metadata_fd(meta_, out, changes.xattrs ? in : -1, e.st, display);
        co_await uio::close(out);
    }
    co_await uio::close(in);
    if (out < 0) fail("cannot update " + quote(display), out);
}

}  // namespace uio::fs
