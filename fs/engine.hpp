// engine: one ucopy run on one io_context. Walker tasks (up to `walkers`, one directory
// each; a subdirectory found while all are busy is walked in line, depth first) stream
// entries into a bounded channel, so memory does not grow with the number of files and the
// creates of several directories overlap instead of queueing on one directory's lock.
// `queue_depth` worker tasks take entries from it and copy them concurrently, each a chain
// of io_uring requests (openat, read/write or an offloaded copy_file_range, renameat,
// close). Directories are created (0700) before their contents and get their metadata after
// the last child is done; directories this run creates are staged (tree_walk.hpp).
// --sync with several sources runs one such pass per source, one after another, as one
// mirror (merged_sources.hpp).
//
// Threads: everything here runs on the loop thread; blocking calls (directory reads, stats,
// copy_file_range, SQLite) go to the thread pool through offload.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <uio/core/channel.hpp>
#include <uio/core/semaphore.hpp>
#include <uio/core/task.hpp>
#include <uio/core/task_group.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/chain_batches.hpp"
#include "uio/fs/mover/chunk_buffers.hpp"
#include "uio/fs/mover/data_mover.hpp"
#include "uio/fs/mover/file_copier.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/planner/entry_route.hpp"
#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/planner/sync_check.hpp"
#include "uio/fs/planner/sync_decider.hpp"
#include "uio/fs/publisher/backup_store.hpp"
#include "uio/fs/publisher/directory_publication.hpp"
#include "uio/fs/publisher/journal.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/publisher/mirror_deletion.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/merged_sources.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

class engine {
  public:
    // `shards`: copy only this shard's part of the tree (null: all of it).
    engine(const options& opts, report& out, journal* log, const shard_plan* shards = nullptr);

    uio::task<void> copy(const std::vector<copy_root>& roots);

  private:
    // One pass over `roots`: workers, walkers, and their end.
    uio::task<void> copy_pass(std::span<const copy_root> roots, bool last);
    // The walk (walk.cpp).
    uio::task<void> walk_root(const copy_root& root);
    uio::task<void> walk_dir(std::shared_ptr<dir_node> node);
    uio::task<void> walk_subdir(std::shared_ptr<dir_node> node);
    uio::task<std::shared_ptr<dir_node>> make_dir(const std::shared_ptr<dir_node>& parent,
                                                  const raw_entry& raw, int src_dirfd,
                                                  const std::string& src_open_name,
                                                  const std::string& src_display);
    uio::task<void> itemize_dir(const dir_node& parent, const raw_entry& raw, int src_dirfd,
                                const std::string& src_open_name, const dir_node& node);
    uio::task<void> tidy_destination(const std::shared_ptr<dir_node>& node, bool find_extraneous,
                                     std::vector<std::string> source_names, bool empty_source_root);
    // A directory's child is done (directory_publication.hpp).
    void release(std::shared_ptr<dir_node> node) { publisher_.release(std::move(node)); }
    uio::task<void> worker();
    // Small files as linked chains, a walk batch at a time (chain_batches.hpp); those they
    // hand back go to the workers.
    uio::task<void> copy_chain_batch(uio::semaphore::permit permit, std::vector<entry> files) {
        return chains_->copy(std::move(permit), std::move(files), *queue_);
    }

    // --shard: whether this shard copies `raw` (and which bytes, in `e`) (entry_route.hpp).
    bool shard_takes(const dir_node& dir, const raw_entry& raw, entry& e) const {
        return fs::shard_takes(opts_, *shards_, dir, raw, e);
    }
    // A destination entry of another type in the way of a directory (sync_decider.hpp).
    uio::task<void> remove_in_the_way(const dir_node& dir, const std::string& name) {
        return sync_->remove_in_the_way(dir, name);
    }

    const options& opts_;
    report& out_;
    journal* journal_;
    const shard_plan* shards_;
    uio::thread_pool pool_;
    uid_t euid_;
    std::optional<chunk_buffers> buffers_;
    std::optional<data_mover> mover_;
    metadata_context meta_;
    directory_publisher publisher_;             // after meta_, which it reads
    std::optional<chain_batches> chains_;       // when chains are on
    std::optional<uio::channel<entry>> queue_;  // one per pass
    bool staging_;
    uio::semaphore walkers_;
    uio::task_group* walk_group_ = nullptr;
    filter_rules filters_;
    std::unique_ptr<backup_store> backup_;  // --backup-dir (null: none)
    std::string backup_relative_;           // the backup directory below DST, kept from --delete
    // --delete: what the walk found extraneous, deleted once the copy is over.
    mirror_deletion deletions_;
    std::optional<merged_sources> merged_;  // --sync with several sources: one mirror
    std::size_t source_index_ = 0;          // the source whose pass runs
    // Made in copy(), as mover_ they use; after everything else they are given.
    std::optional<sync_decider> sync_;
    std::optional<file_copier> copier_;  // what the workers run
};

}  // namespace uio::fs
