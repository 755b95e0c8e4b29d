// file_copier: one entry from the walk to its final name (file_copier.cpp): the skip rules
// (-n, -u, the journal, --sync through sync_decider), hard-link groups, and each kind of file
// made under a temporary name (or its final name in a staging tree) and renamed into place;
// a --shard part is written into its shared temporary (shard_copy.cpp). The engine's workers
// call handle for each entry of the queue.
// Loop thread only; blocking calls go to the pool, data through the data_mover.
#pragma once

#include <sys/stat.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/data_mover.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/planner/sync_decider.hpp"
#include "uio/fs/publisher/backup_store.hpp"
#include "uio/fs/publisher/directory_publication.hpp"
#include "uio/fs/publisher/journal.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

// What only some runs have (null: not this run), owned by the caller.
struct file_copier_extras {
    journal* log = nullptr;              // --journal
    const shard_plan* shards = nullptr;  // --shard
    backup_store* backup = nullptr;      // --backup-dir
};

class file_copier {
  public:
    // Everything given is the caller's and outlives the copier. `publisher` is told when an
    // entry of a directory is done; `sync` decides for an existing destination (--sync).
    file_copier(const options& opts, report& out, uio::thread_pool& pool, data_mover& mover,
                const metadata_context& meta, directory_publisher& publisher, sync_decider& sync,
                const file_copier_extras& extras)
        : opts_(opts),
          out_(out),
          journal_(extras.log),
          shards_(extras.shards),
          pool_(pool),
          mover_(&mover),
          meta_(meta),
          backup_(extras.backup),
          publisher_(publisher),
          sync_(&sync) {}

    // Copies `e` (or skips, links, defers it); its failure is reported, not thrown (but for a
    // cancellation), and its directory is released once it is done.
    uio::task<void> handle(entry e);

  private:
    uio::task<bool> copy_entry(entry& e);  // false: deferred until its hard-link leader lands
    uio::task<void> copy_regular(entry& e);
    // --shard: the bytes of a split file this shard copies, into the shared temporary
    // (shard_copy.cpp).
    uio::task<void> copy_part(entry& e);
    uio::task<void> copy_symlink(entry& e);
    uio::task<void> copy_special(entry& e);
    struct link_target {
        std::shared_ptr<dir_node> dir;  // keeps its descriptor: staged directories move
        std::string name;
    };
    uio::task<void> make_hard_link(entry& e, const link_target& target);
    uio::task<void> rename_into_place(entry& e, const std::string& temp);
    uio::task<void> finish_link_group(std::pair<dev_t, ino_t> key, nlink_t names, bool ok);
    // A directory's child is done (directory_publication.hpp).
    void release(std::shared_ptr<dir_node> node) { publisher_.release(std::move(node)); }

    const options& opts_;
    report& out_;
    journal* journal_;
    const shard_plan* shards_;
    uio::thread_pool& pool_;
    data_mover* mover_;  // never null
    const metadata_context& meta_;
    backup_store* backup_;
    directory_publisher& publisher_;
    sync_decider* sync_;  // never null

    // Hard links: the first path of each multiply-linked inode; later names wait for it.
    struct link_group {
        link_target first;
        bool done = false;
        bool ok = false;
        nlink_t seen = 0;
        std::vector<entry> waiting;
    };
    std::map<std::pair<dev_t, ino_t>, link_group> links_;
};

}  // namespace uio::fs
