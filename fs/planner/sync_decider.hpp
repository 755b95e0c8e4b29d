// sync_decider: --sync for an entry whose destination exists. The quick check on the walk's
// stats (sync_check.hpp) says what differs; this finishes the decision with what only the
// destination can tell — a symbolic link's target, the bytes under --checksum, whether a
// hard-link group's metadata was already set through another name — and carries out the
// two outcomes that need no copy: metadata set in place, and an entry of another type in
// the way removed (or moved into --backup-dir). The one planner type that does I/O: it
// sits beside the pure rules it completes (fs/README.md says why).
// Loop thread only; blocking calls go to the pool.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>
#include <utility>

#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/data_mover.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/planner/sync_check.hpp"
#include "uio/fs/publisher/backup_store.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

class sync_decider {
  public:
    // `mover` compares contents (--checksum); `backup`: --backup-dir (null: removals remove).
    sync_decider(const options& opts, report& out, uio::thread_pool& pool, data_mover& mover,
                 const metadata_context& meta, backup_store* backup)
        : opts_(opts), out_(out), pool_(pool), mover_(&mover), meta_(meta), backup_(backup) {}

    // What `e`'s existing destination needs: true when nothing more (it matched, or only
    // its metadata differed and is set now); false when it must be copied, `changes` saying
    // what differs (a directory in the way, with --delete, is gone by then).
    uio::task<bool> synced(entry& e, entry_changes& changes);
    // A destination entry of another type in the way of a copy: removed or backed up.
    uio::task<void> remove_in_the_way(const dir_node& dir, const std::string& name);

  private:
    uio::task<void> update_metadata(entry& e, const entry_changes& changes);
    uio::task<bool> same_contents(const entry& e);

    const options& opts_;
    report& out_;
    uio::thread_pool& pool_;
    data_mover* mover_;  // never null
    const metadata_context& meta_;
    backup_store* backup_;
    // Destination inodes of several names whose metadata this run set from a source inode
    // of several names (through one name): the other names of that pair are up to date
    // then, and get no line of their own, as in rsync.
    std::map<std::pair<dev_t, ino_t>, std::pair<dev_t, ino_t>> metadata_set_;
};

}  // namespace uio::fs
