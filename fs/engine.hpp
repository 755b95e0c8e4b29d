// engine: one ucopy run on one io_context, and the wiring of its stages' types. The copy walk
// (walker/copy_walk.hpp: up to `walkers` directories at once) streams entries into a bounded
// channel, so memory does not grow with the number of files and the creates of several
// directories overlap instead of queueing on one directory's lock.
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
#include <vector>

#include <uio/core/channel.hpp>
#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/chain_batches.hpp"
#include "uio/fs/mover/chunk_buffers.hpp"
#include "uio/fs/mover/data_mover.hpp"
#include "uio/fs/mover/file_copier.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/planner/sync_decider.hpp"
#include "uio/fs/publisher/backup_store.hpp"
#include "uio/fs/publisher/directory_publication.hpp"
#include "uio/fs/publisher/journal.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/publisher/mirror_deletion.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/copy_walk.hpp"
#include "uio/fs/walker/merged_sources.hpp"

namespace uio::fs {

class engine {
  public:
    // `shards`: copy only this shard's part of the tree (null: all of it).
    engine(const options& opts, report& out, journal* log, const shard_plan* shards = nullptr);

    uio::task<void> copy(const std::vector<copy_root>& roots);

  private:
    // One pass over `roots` (those of source `source_index`): workers, the walk, their end.
    uio::task<void> copy_pass(std::span<const copy_root> roots, std::size_t source_index,
                              bool last);
    uio::task<void> worker();

    const options& opts_;
    report& out_;
    journal* journal_;
    const shard_plan* shards_;
    uio::thread_pool pool_;
    std::optional<chunk_buffers> buffers_;
    std::optional<data_mover> mover_;
    metadata_context meta_;
    directory_publisher publisher_;             // after meta_, which it reads
    std::optional<chain_batches> chains_;       // when chains are on
    std::optional<uio::channel<entry>> queue_;  // one per pass
    bool staging_;
    filter_rules filters_;
    std::unique_ptr<backup_store> backup_;  // --backup-dir (null: none)
    // --delete: what the walk found extraneous, deleted once the copy is over.
    mirror_deletion deletions_;
    std::optional<merged_sources> merged_;  // --sync with several sources: one mirror
    // Made in copy(), as mover_ they use; after everything else they are given.
    std::optional<sync_decider> sync_;
    std::optional<file_copier> copier_;  // what the workers run
    std::optional<copy_walk> walk_;      // what feeds them
};

}  // namespace uio::fs
