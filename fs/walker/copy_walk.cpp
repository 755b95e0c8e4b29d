// The copy walk: command-line roots, directories made before their contents, each
// directory's listing streamed in batches into the workers' queue (or into chain batches),
// subdirectories handed to free walkers or walked in line.
#include "uio/fs/walker/copy_walk.hpp"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <unordered_map>

#include <uio/core/offload.hpp>
#include <uio/uring/operations.hpp>
#include <uio/uring/timeout.hpp>

#include "uio/fs/name_escape.hpp"
#include "uio/fs/planner/entry_route.hpp"
#include "uio/fs/planner/sync_check.hpp"
#include "uio/fs/publisher/journal_lookup.hpp"
#include "uio/fs/walker/fd_limits.hpp"
#include "uio/fs/walker/stat_entries.hpp"
#include "uio/fs/walker/walk_core.hpp"

namespace uio::fs {

namespace {

constexpr std::size_t walk_batch = 256;

// New files in such a directory take their mode from the ACL, not from umask alone.
bool has_default_acl(int dir_fd) {
    return ::fgetxattr(dir_fd, "system.posix_acl_default", nullptr, 0) > 0;
}

// --backup-dir inside DST (relative, not climbing out): protected from --delete.
std::string backup_below_destination(const options& opts) {
    std::string relative;
    if (!opts.backup_dir.empty() && opts.backup_dir.front() != '/' &&
        opts.backup_dir.find("..") == std::string::npos) {
        relative = opts.backup_dir;
        while (!relative.empty() && relative.back() == '/') relative.pop_back();
    }
    return relative;
}

// A directory's path below the root as walk_failure has it: "a/b" ("" at the root).
std::string failure_path(const dir_node& node) {
    const std::string& relative = node.relative;
    return relative.empty() ? relative : relative.substr(0, relative.size() - 1);
}

}  // namespace

copy_walk::copy_walk(const options& opts, report& out, uio::thread_pool& pool,
                     const copy_walk_parts& parts)
    : opts_(opts),
      out_(out),
      pool_(pool),
      parts_(parts),
      euid_(::geteuid()),
      backup_relative_(backup_below_destination(opts)),
      walkers_(opts.walkers > 0 ? opts.walkers - 1 : 0) {}

uio::task<void> copy_walk::walk(std::span<const copy_root> roots, std::size_t source_index,
                                uio::channel<entry>& queue) {
    source_index_ = source_index;
    queue_ = &queue;
    try {
        co_await uio::with_task_group([&](uio::task_group& walkers) -> uio::task<void> {
            walk_group_ = &walkers;
            for (const copy_root& root : roots) co_await walk_root(root);
        });
    } catch (...) {
        walk_group_ = nullptr;
        queue_ = nullptr;
        throw;
    }
    walk_group_ = nullptr;
    queue_ = nullptr;
}

uio::task<void> copy_walk::walk_root(const copy_root& root) {
    // Several sources, one mirror: where an earlier source holds this top, its entry wins
    // and a directory held by both is merged (merged_sources.hpp).
    bool shadowed = false;
    if (parts_.merged.active() && source_index_ > 0) {
        const std::size_t k = source_index_;
        std::optional<bool> held = co_await uio::offload(
            pool_, [&] { return parts_.merged.earlier_holds(k, parts_.merged.prefix(k)); });
        if (held) {
            if (!*held || !S_ISDIR(root.st.st_mode)) co_return;
            shadowed = true;
        }
    }
    auto top = std::make_shared<dir_node>();
    top->finalize = false;
    top->src_fd = AT_FDCWD;
    top->src_prefix = "";
    top->dst_prefix = dir_prefix(root.destination);
    std::string parent = top->dst_prefix.empty() ? "." : top->dst_prefix;
    int fd = co_await open_patiently(AT_FDCWD, parent.c_str(), O_RDONLY | O_DIRECTORY);
    // A dry run did not make the DST a --sync copies into (copy_plan.hpp): all is new there.
    const bool pretend = fd == -ENOENT && opts_.dry_run && opts_.sync;
    if (fd < 0 && !pretend) {
        std::string what =
            S_ISDIR(root.st.st_mode) ? "cannot create directory " : "cannot create regular file ";
        out_.error(what + quote(root.destination) + ": " + std::strerror(-fd), root.source,
                   root.destination, -fd);
        co_return;
    }
    top->dst_fd = pretend ? -1 : fd;
    struct stat dst_dir {};
    if (!pretend && ::fstat(fd, &dst_dir) == 0) top->dst_dev = dst_dir.st_dev;
    raw_entry raw;
    raw.name = base_name(root.destination);
    raw.st = root.st;
    raw.dst_exists =
        !pretend && ::fstatat(fd, raw.name.c_str(), &raw.dst_st, AT_SYMLINK_NOFOLLOW) == 0;
    top->new_file_gid = (dst_dir.st_mode & S_ISGID) ? dst_dir.st_gid : ::getegid();
    top->default_acl = !pretend && has_default_acl(fd);

    if (S_ISDIR(root.st.st_mode)) {
        // A killed staged run leaves its unfinished tree here, beside the destination.
        if (!opts_.dry_run) co_await uio::offload(pool_, [fd] { remove_stale_temps(fd); });
        std::shared_ptr<dir_node> node =
            co_await make_dir(top, raw, AT_FDCWD, root.source, root.source);
        if (node) {
            node->shadowed = shadowed;
            co_await walk_dir(std::move(node));
        }
    } else {
        entry e;
        e.dir = top;
        e.src_name = root.source;
        e.dst_name = raw.name;
        e.st = root.st;
        e.follow = root.follow;
        e.dst_exists = raw.dst_exists;
        e.dst_st = raw.dst_st;
        if (parts_.log && e.dst_exists && S_ISREG(e.st.st_mode)) {
            std::vector<raw_entry> one{raw};
            co_await mark_journaled(*parts_.log, *top, one);
            e.journaled = one[0].journaled;
        }
        if (S_ISLNK(root.st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = ::readlink(root.source.c_str(), target, sizeof target);
            if (n < 0) {
                const int error = errno;
                out_.error(
                    "cannot read symbolic link " + quote(root.source) + ": " + std::strerror(error),
                    root.source, root.destination, error);
                co_return;
            }
            e.link_target.assign(target, static_cast<std::size_t>(n));
        }
        ++top->pending;
        ++out_.files_seen;
        if (S_ISREG(e.st.st_mode)) out_.bytes_seen += static_cast<std::uint64_t>(e.st.st_size);
        co_await queue_->send(std::move(e));
    }
    release(std::move(top));
}

uio::task<std::shared_ptr<dir_node>> copy_walk::make_dir(const std::shared_ptr<dir_node>& parent,
                                                         const raw_entry& raw, int src_dirfd,
                                                         const std::string& src_open_name,
                                                         const std::string& src_display) {
    std::string dst_display = parent->dst_prefix + raw.name;
    auto node = std::make_shared<dir_node>();
    node->st = raw.st;
    node->src_prefix = src_display + "/";
    node->dst_prefix = dst_display + "/";
    node->relative = parent->finalize ? parent->relative + raw.name + "/" : "";
    node->source_index = source_index_;
    bool dst_exists = raw.dst_exists;
    if (dst_exists && !S_ISDIR(raw.dst_st.st_mode)) {
        if (!opts_.sync) {
            out_.error("cannot overwrite non-directory " + quote(dst_display) + " with directory " +
                           quote(src_display),
                       src_display, dst_display);
            co_return nullptr;
        }
        // --sync makes the mirror's type follow the source's, as rsync does.
        try {
            co_await parts_.sync.remove_in_the_way(*parent, raw.name);
        } catch (const copy_error& error) {
            out_.error(error, src_display, dst_display);
            co_return nullptr;
        }
        dst_exists = false;
    }
    node->fresh = !dst_exists;
    node->name = raw.name;
    if (opts_.verbose && node->fresh) out_.verbose(src_display, dst_display);
    if (opts_.itemize) co_await itemize_dir(*parent, raw, src_dirfd, src_open_name, *node);
    if (!opts_.dry_run && node->fresh) {
        // Inside a staging tree nothing is visible yet: final names. Otherwise a new
        // directory is the top of a staging tree, made under a temporary name.
        node->staged = parts_.staging;
        if (parts_.staging && !parent->staged) node->stage_name = temp_name();
        const std::string& made = node->stage_name.empty() ? raw.name : node->stage_name;
        int rc = co_await uio::mkdirat(parent->dst_fd, made.c_str(), 0700);
        if (rc == -EEXIST && node->stage_name.empty()) {
            node->fresh = false;  // appeared meanwhile; open it below like any existing one
            node->staged = false;
        } else if (rc < 0) {
            out_.error("cannot create directory " + quote(dst_display) + ": " + std::strerror(-rc),
                       src_display, dst_display, -rc);
            co_return nullptr;
        } else if (!node->stage_name.empty()) {
            parts_.publisher.staged(*parent, node->stage_name);
        }
    }
    const std::string& dst_open_name = node->stage_name.empty() ? raw.name : node->stage_name;
    int src = co_await open_walk_dir_patiently(src_dirfd, src_open_name.c_str(), opts_.dereference);
    if (src == -ENOENT && parent->finalize) {
        out_.vanished(src_display);  // deleted since its parent was listed
    } else if (src < 0) {
        out_.error("cannot access " + quote(src_display) + ": " + std::strerror(-src), src_display,
                   dst_display, -src);
        // The directory exists (maybe empty); it still gets its metadata, like cp.
    }
    node->src_fd = src < 0 ? -1 : src;
    if (parent->dst_fd >= 0 && !(opts_.dry_run && node->fresh)) {
        int dst = co_await open_walk_dir_patiently(parent->dst_fd, dst_open_name.c_str(), false);
        if (dst < 0) {
            const walk_failure failure{"open directory", 1, failure_path(*node), -dst};
            out_.error(failure_message(failure, dst_display), src_display, dst_display, -dst);
            if (!node->stage_name.empty()) {
                ::unlinkat(parent->dst_fd, dst_open_name.c_str(), AT_REMOVEDIR);
            }
            co_return nullptr;
        }
        node->dst_fd = dst;
        struct stat dst_dir {};
        if (::fstat(dst, &dst_dir) == 0) node->dst_dev = dst_dir.st_dev;
        node->dst_mode = dst_dir.st_mode;
        node->dst_times[0] = dst_dir.st_atim;
        node->dst_times[1] = dst_dir.st_mtim;
        node->new_file_gid = (dst_dir.st_mode & S_ISGID) ? dst_dir.st_gid : ::getegid();
        node->default_acl = has_default_acl(dst);
    }
    node->parent = parent;
    ++parent->pending;
    ++out_.directories;
    co_return node;
}

uio::task<void> copy_walk::walk_dir(std::shared_ptr<dir_node> node) {
    if (node->src_fd < 0) {
        release(std::move(node));
        co_return;
    }
    std::optional<dir_reader> listing;
    listing.emplace(node->src_fd);
    // Out of descriptors: wait for files in flight to give some back (fd_limits.hpp).
    for (int tries = 0; out_of_descriptors(listing->open_error()) && tries < 1200; ++tries) {
        listing.reset();
        const std::chrono::milliseconds pause(50);
        co_await uio::sleep_for(pause);
        listing.emplace(node->src_fd);
    }
    dir_reader& reader = *listing;
    if (reader.open_error() != 0) unreadable("open directory", 0, *node, reader.open_error());
    const int lookup_fd = node->fresh ? -1 : node->dst_fd;
    // --delete: the names this directory's copy keeps (one directory's worth of memory).
    const bool keep_names = opts_.delete_extraneous && lookup_fd >= 0;
    std::vector<std::string> source_names;
    std::size_t listed = 0;  // names the source directory gave, excluded ones included
    // Several sources, one mirror: names an earlier source holds here are its (they were
    // synced in its pass), but for directories both hold, which are merged.
    std::unordered_map<std::string, bool> earlier;
    if (parts_.merged.active() && source_index_ > 0) {
        const std::size_t k = source_index_;
        const std::string dir = parts_.merged.in_dst(k, node->relative);
        earlier = co_await uio::offload(
            pool_, [&] { return parts_.merged.earlier_names(k, dir, parts_.filters); });
    }
    for (;;) {
        entry_followups followups;
        followups.xattrs = parts_.chains && node->staged && opts_.preserve.xattr;
        followups.compare_xattrs = opts_.sync && opts_.preserve.xattr;
        followups.every_xattr = opts_.every_xattr;
        // One trip to the pool per batch: its names, their stats, then what some need more.
        std::vector<raw_entry> batch = co_await uio::offload(pool_, [&] {
            std::vector<raw_entry> names = reader.next_names(walk_batch);
            stat_entries(names, node->src_fd, lookup_fd, opts_.dereference);
            finish_entries(names, node->src_fd, lookup_fd, opts_.dereference, followups);
            return names;
        });
        if (batch.empty()) break;
        listed += batch.size();
        std::vector<entry> chained;
        if (parts_.log && lookup_fd >= 0) co_await mark_journaled(*parts_.log, *node, batch);
        for (raw_entry& raw : batch) {
            if (raw.error != 0) {
                const std::string src_display = node->src_prefix + raw.name;
                if (raw.error == ENOENT) {  // deleted since it was listed
                    out_.vanished(src_display);
                    continue;
                }
                out_.error(std::string("cannot ") + raw.failed + " " + quote(src_display) + ": " +
                               std::strerror(raw.error),
                           src_display, node->dst_prefix + raw.name, raw.error);
                continue;
            }
            if (keep_names) source_names.push_back(raw.name);
            if (walk_excludes(&parts_.filters, node->relative, raw.name, S_ISDIR(raw.st.st_mode))) {
                if (keep_names) source_names.pop_back();  // its copy in DST is no longer wanted
                ++out_.skipped;
                continue;
            }
            bool merged_dir = false;
            if (!earlier.empty()) {
                if (auto held = earlier.find(raw.name); held != earlier.end()) {
                    if (!held->second || !S_ISDIR(raw.st.st_mode)) continue;
                    merged_dir = true;
                }
            }
            if (unchanged_by_stat(opts_, raw)) {  // --sync: decided here, nothing to queue
                ++out_.files_seen;
                ++out_.unchanged;
                ++out_.files_done;
                continue;
            }
            if (parts_.shards && S_ISDIR(raw.st.st_mode) &&
                parts_.shards->outside(node->relative + raw.name)) {
                continue;  // nothing below is this shard's
            }
            entry e;
            if (parts_.shards && !S_ISDIR(raw.st.st_mode) &&
                !shard_takes(opts_, *parts_.shards, *node, raw, e))
                continue;
            // What is left may create, replace or rename in this directory, but for an
            // existing subdirectory.
            if (!S_ISDIR(raw.st.st_mode) || !raw.dst_exists || !S_ISDIR(raw.dst_st.st_mode)) {
                parts_.publisher.lift_write(*node);
            }
            if (S_ISDIR(raw.st.st_mode)) {
                const std::string src_display = node->src_prefix + raw.name;
                std::shared_ptr<dir_node> child =
                    co_await make_dir(node, raw, node->src_fd, raw.name, src_display);
                if (!child) continue;
                child->shadowed = merged_dir;
                if (opts_.one_file_system && raw.st.st_dev != node->st.st_dev) {
                    release(std::move(child));  // -x: a mount point, copied empty
                    continue;
                }
                if (uio::semaphore::permit permit = walkers_.try_acquire()) {
                    permit.release_ownership();  // walk_subdir gives it back
                    walk_group_->spawn(walk_subdir(std::move(child)));
                } else {
                    co_await walk_dir(std::move(child));
                }
                continue;
            }
            e.dir = node;
            e.src_name = raw.name;
            e.dst_name = std::move(raw.name);
            e.st = raw.st;
            e.link_target = std::move(raw.link_target);
            e.dst_exists = raw.dst_exists;
            e.dst_st = raw.dst_st;
            e.journaled = raw.journaled;
            e.xattrs_differ = raw.xattrs_differ;
            e.follow = opts_.dereference;
            ++node->pending;
            ++out_.files_seen;
            if (S_ISREG(e.st.st_mode)) {
                out_.bytes_seen +=
                    e.split ? e.part_end - e.part_begin : static_cast<std::uint64_t>(e.st.st_size);
            }
            if (parts_.chains &&
                chain_eligible(opts_, parts_.meta, parts_.chains->max_size(), euid_, *node, raw)) {
                if (opts_.verbose) out_.verbose(e.src_path(), e.dst_path());
                chained.push_back(std::move(e));
                continue;
            }
            co_await queue_->send(std::move(e));
        }
        if (!chained.empty()) {
            // Runs beside the walk; the permit bounds the batches (and so memory) in flight.
            uio::semaphore::permit permit = co_await parts_.chains->acquire();
            walk_group_->spawn(copy_chain_batch(std::move(permit), std::move(chained)));
        }
    }
    if (reader.read_error() != 0) unreadable("read directory", 0, *node, reader.read_error());
    if (lookup_fd >= 0 && (keep_names || !opts_.dry_run)) {
        // The root of a mirror whose source listed nothing: see tidy_destination.
        const bool source_empty = node->relative.empty() && listed == 0 &&
                                  reader.open_error() == 0 && reader.read_error() == 0;
        co_await tidy_destination(node, keep_names, std::move(source_names), source_empty);
    }
    release(std::move(node));
}

// One listing of `node`'s existing destination, once its copy is under way: what a killed
// run left there is removed, and with `find_extraneous` (--delete) the names its source lacks
// are recorded.
uio::task<void> copy_walk::tidy_destination(const std::shared_ptr<dir_node>& node,
                                            bool find_extraneous,
                                            std::vector<std::string> source_names,
                                            bool empty_source_root) {
    int error = 0;
    std::vector<deletion_plan::extraneous> found = co_await uio::offload(pool_, [&] {
        std::vector<listed_name> listed = list_directory(node->dst_fd, error);
        if (!opts_.dry_run) remove_stale_temps(node->dst_fd, listed);
        if (!find_extraneous) return std::vector<deletion_plan::extraneous>();
        return deletion_plan::find(listed, node->relative, source_names, parts_.filters,
                                   opts_.delete_excluded, backup_relative_);
    });
    if (error != 0) unreadable("read directory", 1, *node, error);
    if (!find_extraneous) co_return;
    // An empty source root with a full mirror is most often a source that is not there (an
    // unmounted disk, a wiped directory): deleting everything is refused unless asked for,
    // as Unison's confirmbigdeletes does (delete_extraneous, once other sources of the same
    // mirror have kept what they hold).
    if (empty_source_root && !found.empty() && !opts_.delete_all_ok) {
        parts_.deletions.empty_source_root(node.get(), node->dst_prefix, node->src_prefix);
    }
    // The mirror's root: the directory made for a command-line source.
    std::shared_ptr<dir_node> root = node;
    while (root->parent && root->parent->finalize) root = root->parent;
    if (opts_.one_file_system && node->dst_dev != root->dst_dev) co_return;  // -x, as rsync
    struct stat times = node->st;  // what a deletion's parent gets back
    if (node->shadowed) {
        times.st_atim = node->dst_times[0];
        times.st_mtim = node->dst_times[1];
    }
    parts_.deletions.add(root, times, std::move(found));
}

// A directory's --itemize-changes line: "cd+++++++++" when made, else what differs
// (".d..t......"), nothing when nothing does. Its xattrs are compared only for this line.
uio::task<void> copy_walk::itemize_dir(const dir_node& parent, const raw_entry& raw, int src_dirfd,
                                       const std::string& src_open_name, const dir_node& node) {
    const std::string shown = node.relative.empty() ? std::string("./") : node.relative;
    if (node.fresh && node.relative.empty() && opts_.sync) {
        // rsync's message before the lines when it makes the destination directory.
        std::string made = "created directory ";
        append_escaped_name(node.dst_prefix.substr(0, node.dst_prefix.size() - 1), made);
        out_.itemize(made, {}, node.dst_prefix);
    }
    if (node.fresh) {
        out_.itemize(itemize('c', raw.st, {}, true, shown), node.src_prefix, node.dst_prefix);
        co_return;
    }
    if (!opts_.sync) co_return;
    entry_changes changes = quick_check(raw.st, raw.dst_st, opts_.preserve);
    if (opts_.preserve.xattr && parent.dst_fd >= 0) {
        changes.xattrs = co_await uio::offload(pool_, [&] {
            return !same_xattrs(src_dirfd, src_open_name.c_str(), opts_.dereference, parent.dst_fd,
                                raw.name.c_str());
        });
    }
    if (changes.metadata()) {
        out_.itemize(itemize('.', raw.st, changes, false, shown), node.src_prefix, node.dst_prefix);
    }
}

void copy_walk::unreadable(const char* what, std::size_t tree, const dir_node& node, int error) {
    const std::string& shown = tree == 0 ? node.src_prefix : node.dst_prefix;
    const walk_failure failure{what, tree, failure_path(node), error};
    out_.error(failure_message(failure, shown), node.src_prefix, node.dst_prefix, error);
}

// A walker of its own; its permit was taken by the spawner.
uio::task<void> copy_walk::walk_subdir(std::shared_ptr<dir_node> node) {
    struct give_back {
        uio::semaphore& s;
        ~give_back() { s.release(); }
    } permit{walkers_};
    co_await walk_dir(std::move(node));
}

}  // namespace uio::fs
