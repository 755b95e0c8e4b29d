// deletion_plan: --delete. The walk lists each existing destination directory once its
// source listing is complete and records the names the source lacks; they are removed only
// after the whole copy finished without an error (rsync's --delete-after: a run that failed
// anywhere deletes nothing, so a source that became unreadable never empties the mirror).
// Memory grows with the entries to delete, not with the tree.
//
// Protected, never recorded: ucopy's temporaries and staging trees, entries the filters
// exclude (unless --delete-excluded), and the backup directory when it lies inside DST.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/publisher/backup_store.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

class deletion_plan {
  public:
    struct extraneous {
        std::string relative;  // below the mirror's root, without a trailing '/'
        bool is_dir = false;
    };

    // The entries of `listed` (the directory at `relative`, "" or "a/b/") absent from
    // `source_names`. `protected_relative`: a path never to delete ("" none).
    static std::vector<extraneous> find(std::vector<listed_name>& listed,
                                        const std::string& relative,
                                        const std::vector<std::string>& source_names,
                                        const filter_rules& filters, bool delete_excluded,
                                        const std::string& protected_relative);

    // Loop thread: what `find` returned for a directory of the mirror rooted at `root`;
    // `source_dir` is the stat of that directory's source (its times are put back after a
    // deletion changed them).
    void add(const std::shared_ptr<dir_node>& root, const struct stat& source_dir,
             std::vector<extraneous> found);
    std::size_t size() const noexcept { return entries_.size(); }
    // The entries of the mirror rooted at `root`.
    std::size_t count_below(const dir_node* root) const;
    // Drops the entries for which `keep(source_index, relative, is_dir)` is true, keeping
    // the order of the others (several sources, one mirror: merged_sources.hpp).
    void forget_if(const std::function<bool(std::size_t, const std::string&, bool)>& keep);

    // Loop thread: removes (or moves into `backup`) the first `limit` entries in the order
    // found; with `dry_run` removes nothing. Deletions run concurrently (unlinks on the ring,
    // directories' trees and backups on `pool`): on a file system mounted with online discard
    // each unlink of a file with data waits for its discard (0.3 ms on this project's VM), so
    // one at a time, 900 deletions took a quarter of a 1 % change sync. Backups run one at a
    // time (backup_store is not for concurrent use). What happened, in the order found: the
    // "*deleting" lines, the errors, and how many entries `limit` kept.
    // With `list_trees` (-i, --max-delete) a directory's tree is listed first: each entry below
    // it gets its line (deletion_order.hpp) and counts against `limit`, as with rsync; a tree
    // that does not fit in what is left of `limit` is kept whole, and deletions stop there.
    struct outcome {
        std::uint64_t deleted = 0;
        // Each "*deleting" line with the destination path it names.
        std::vector<std::pair<std::string, std::string>> lines;
        struct failed_deletion {
            std::string text;  // "cannot delete 'DST/a': Permission denied"
            std::string path;  // DST/a
            int error_number;
        };
        std::vector<failed_deletion> errors;
        std::uint64_t kept = 0;  // entries (a directory: its tree) not deleted because of `limit`
    };
    uio::task<outcome> execute(uio::thread_pool& pool, backup_store* backup, std::uint64_t limit,
                               bool dry_run, bool restore_times, bool list_trees) const;

  private:
    struct planned {
        std::shared_ptr<dir_node> root;  // holds the mirror root's descriptor
        struct timespec dir_times[2];    // the parent's source atime and mtime
        extraneous what;
    };
    std::vector<planned> entries_;
};

}  // namespace uio::fs
