// Each run of deletions opens its parent below the mirror's root with RESOLVE_BENEATH and
// RESOLVE_NO_SYMLINKS: a directory swapped for a symlink since the walk cannot make a
// deletion land outside the destination.
#include "uio/fs/planner/deletion_plan.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <uio/core/offload.hpp>
#include <uio/core/semaphore.hpp>
#include <uio/core/task_group.hpp>
#include <uio/uring/operations.hpp>

#include "uio/fs/planner/deletion_order.hpp"
#include "uio/fs/planner/sync_check.hpp"
#include "uio/fs/walker/name_set.hpp"

namespace uio::fs {

std::vector<deletion_plan::extraneous> deletion_plan::find(
    std::vector<listed_name>& listed_names, const std::string& relative,
    const std::vector<std::string>& source_names, const filter_rules& filters, bool delete_excluded,
    const std::string& protected_relative) {
    std::vector<extraneous> found;
    const name_set in_source(source_names);
    for (listed_name& listed : listed_names) {
        if (is_temp_name(listed.name) || in_source.contains(listed.name)) continue;
        std::string path = relative + listed.name;
        if (path == protected_relative) continue;
        if (!delete_excluded && filters.excluded(path, listed.is_dir)) continue;
        found.push_back({std::move(path), listed.is_dir});
    }
    sort_for_deletion(
        found, [](const extraneous& e) { return e.is_dir; },
        [](const extraneous& e) -> const std::string& { return e.relative; });
    return found;
}

void deletion_plan::add(const std::shared_ptr<dir_node>& root, const struct stat& source_dir,
                        std::vector<extraneous> found) {
    for (extraneous& e : found) {
        entries_.push_back({root, {source_dir.st_atim, source_dir.st_mtim}, std::move(e)});
    }
}

std::size_t deletion_plan::count_below(const dir_node* root) const {
    return static_cast<std::size_t>(std::count_if(
        entries_.begin(), entries_.end(), [&](const planned& p) { return p.root.get() == root; }));
}

void deletion_plan::forget_if(
    const std::function<bool(std::size_t, const std::string&, bool)>& keep) {
    std::erase_if(entries_, [&](const planned& p) {
        return keep(p.root->source_index, p.what.relative, p.what.is_dir);
    });
}

namespace {

// Deletions in flight at once: enough to overlap the discards' waits, few enough that a
// directory of 100,000 extraneous files never holds 100,000 coroutine frames.
constexpr std::size_t deletions_in_flight = 64;

// The parent directory of a run of deletions, opened beneath the mirror's root; its source
// times are put back when its last deletion is done (a deletion moves a directory's mtime).
// A read-only parent gets its owner's write bit for its deletions when not root (rsync
// does the same), and its mode back after them.
struct open_parent {
    int fd = -1;
    int error = 0;
    const struct timespec* times = nullptr;
    mode_t lifted_from = 0;  // the mode to put back, when the write bit was added
    bool lifted = false;
    ~open_parent() {
        if (fd < 0) return;
        if (lifted) ::fchmod(fd, lifted_from);
        if (times != nullptr) ::futimens(fd, times);
        ::close(fd);
    }
};

uio::task<std::shared_ptr<open_parent>> open_beneath(int root_fd, const std::string& relative,
                                                     const struct timespec* times) {
    auto parent = std::make_shared<open_parent>();
    open_how how{};
    how.flags = O_RDONLY | O_DIRECTORY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const int fd = co_await uio::openat2(root_fd, relative.empty() ? "." : relative.c_str(), &how);
    if (fd < 0) {
        parent->error = -fd;
    } else {
        parent->fd = fd;
        parent->times = times;
        struct stat st {};
        if (::geteuid() != 0 && ::fstat(fd, &st) == 0 && (st.st_mode & S_IWUSR) == 0 &&
            ::fchmod(fd, (st.st_mode & 07777) | S_IWUSR) == 0) {
            parent->lifted_from = st.st_mode & 07777;
            parent->lifted = true;
        }
    }
    co_return parent;
}

// Removes `name` in `parent` (a tree for a directory) or moves it into `backup`; leaves 0 or
// an errno value in `error`.
uio::task<void> remove_one(uio::semaphore::permit, std::shared_ptr<open_parent> parent,
                           std::string name, std::string relative, bool is_dir,
                           backup_store* backup, uio::thread_pool& pool, int& error) {
    if (parent->fd < 0) {
        error = parent->error;
        co_return;
    }
    if (backup != nullptr) {
        error = co_await uio::offload(
            pool, [&] { return backup->store(parent->fd, name, relative, false); });
        co_return;
    }
    if (!is_dir) {
        const int rc = co_await uio::unlinkat(parent->fd, name.c_str(), 0);
        if (rc != -EISDIR) {  // EISDIR: a directory took its place since the walk
            error = rc < 0 ? -rc : 0;
            co_return;
        }
    }
    error = co_await uio::offload(pool, [&] { return remove_tree(parent->fd, name.c_str()); });
}

}  // namespace

uio::task<deletion_plan::outcome> deletion_plan::execute(uio::thread_pool& pool,
                                                         backup_store* backup, std::uint64_t limit,
                                                         bool dry_run, bool restore_times,
                                                         bool list_trees) const {
    // What each entry removes, in deletion order: its own path, or a directory's whole tree.
    std::vector<std::vector<std::string>> trees(list_trees ? entries_.size() : 0);
    std::size_t attempted = 0;
    for (std::uint64_t budget = limit; attempted < entries_.size(); ++attempted) {
        const planned& p = entries_[attempted];
        std::uint64_t count = 1;
        if (list_trees && p.what.is_dir) {
            trees[attempted] = co_await uio::offload(pool, [&] {
                int error = 0;
                return tree_in_deletion_order(p.root->dst_fd, p.what.relative, p.what.relative,
                                              error);
            });
            count = trees[attempted].size();
        }
        if (count > budget) break;
        budget -= count;
    }
    std::vector<int> errors(attempted, 0);
    if (!dry_run) {
        uio::semaphore in_flight(backup != nullptr ? 1 : deletions_in_flight);
        co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
            // `find` gives one directory's entries together: a run shares its parent.
            std::shared_ptr<open_parent> parent;
            std::string parent_relative;
            const dir_node* parent_root = nullptr;
            for (std::size_t i = 0; i < attempted; ++i) {
                const planned& p = entries_[i];
                const std::size_t slash = p.what.relative.rfind('/');
                std::string relative =
                    slash == std::string::npos ? std::string() : p.what.relative.substr(0, slash);
                if (!parent || parent_root != p.root.get() || parent_relative != relative) {
                    parent.reset();  // closes the last run's directory once its deletions end
                    parent = co_await open_beneath(p.root->dst_fd, relative,
                                                   restore_times ? p.dir_times : nullptr);
                    parent_root = p.root.get();
                    parent_relative = std::move(relative);
                }
                uio::semaphore::permit permit = co_await in_flight.acquire();
                group.spawn(remove_one(std::move(permit), parent, p.what.relative.substr(slash + 1),
                                       p.what.relative, p.what.is_dir, backup, pool, errors[i]));
            }
            co_return;
        });
    }
    outcome result;
    for (std::size_t i = 0; i < attempted; ++i) {
        const planned& p = entries_[i];
        const std::string shown = p.what.relative + (p.what.is_dir ? "/" : "");
        if (errors[i] != 0 && errors[i] != ENOENT) {
            const std::string path = p.root->dst_prefix + shown;
            result.errors.push_back(
                {"cannot delete " + quote(path) + ": " + std::strerror(errors[i]), path,
                 errors[i]});
            continue;
        }
        ++result.deleted;
        if (list_trees && p.what.is_dir) {
            for (const std::string& path : trees[i]) {
                result.lines.emplace_back(itemize_deletion(path), p.root->dst_prefix + path);
            }
        } else {
            result.lines.emplace_back(itemize_deletion(shown), p.root->dst_prefix + shown);
        }
    }
    if (attempted < entries_.size()) {
        result.kept = entries_.size() - attempted;
    }
    co_return result;
}

}  // namespace uio::fs
