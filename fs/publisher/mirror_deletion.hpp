// mirror_deletion: --delete once the copy is over. The walk records, directory by directory,
// what a mirror holds and its source lacks (add), and the mirror roots whose source listed
// nothing (empty_source_root); delete_extraneous then removes them (or moves them into
// --backup-dir), unless the run had an error or a mirror would be emptied without
// --delete-all-ok (deletion_plan.hpp holds the plan and its execution).
// Loop thread only.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/options.hpp"
#include "uio/fs/planner/deletion_plan.hpp"
#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/publisher/backup_store.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/merged_sources.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

class mirror_deletion {
  public:
    // `backup`: --backup-dir (null: deletions remove).
    mirror_deletion(const options& opts, report& out, uio::thread_pool& pool,
                    const filter_rules& filters, backup_store* backup)
        : opts_(opts), out_(out), pool_(pool), filters_(filters), backup_(backup) {}

    // What a directory of the mirror rooted at `root` holds and its source lacks
    // (deletion_plan::add).
    void add(const std::shared_ptr<dir_node>& root, const struct stat& source_dir,
             std::vector<deletion_plan::extraneous> found) {
        deletions_.add(root, source_dir, std::move(found));
    }
    // `node` is the root of a mirror whose source listed nothing, `dst` and `src` the paths
    // to name them by: its deletions need --delete-all-ok.
    void empty_source_root(const dir_node* node, std::string dst, std::string src) {
        empty_roots_.push_back({node, std::move(dst), std::move(src)});
    }
    // Runs the deletions recorded; `merged`: several sources, one mirror (null: one source).
    uio::task<void> delete_extraneous(const merged_sources* merged);

  private:
    const options& opts_;
    report& out_;
    uio::thread_pool& pool_;
    const filter_rules& filters_;
    backup_store* backup_;
    deletion_plan deletions_;
    struct empty_root {
        const dir_node* node;
        std::string dst, src;
    };
    std::vector<empty_root> empty_roots_;
};

}  // namespace uio::fs
