// copy_walk: the engine's walk of the trees it copies (copy_walk.cpp). A pass walks its
// command-line roots: each directory made on the destination before its contents (new ones
// staged, tree_walk.hpp), its listing read in batches on the thread pool (names, stats, what
// some need more: one trip per batch), every entry routed (unchanged, another shard's,
// excluded, onto the small-file chains, or into the workers' bounded channel), and each
// existing destination directory tidied once its copy is under way (stale temporaries,
// --delete's extraneous names). Up to `walkers` directories are walked at once: a
// subdirectory found while all walkers are busy is walked in line, depth first.
//
// Given what it needs by reference (the engine owns all of it); loop thread only.
#pragma once

#include <sys/types.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <uio/core/channel.hpp>
#include <uio/core/semaphore.hpp>
#include <uio/core/task.hpp>
#include <uio/core/task_group.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/chain_batches.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/planner/sync_decider.hpp"
#include "uio/fs/publisher/directory_publication.hpp"
#include "uio/fs/publisher/journal.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/publisher/mirror_deletion.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/merged_sources.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

// The stages the walk hands its entries and directories to, and what only some runs have
// (null: not this run). All of it is the caller's and outlives the walk.
struct copy_walk_parts {
    const metadata_context& meta;        // chain eligibility reads it
    directory_publisher& publisher;      // staged trees, lifted write bits, finished children
    sync_decider& sync;                  // --sync: an entry of another type in a directory's way
    mirror_deletion& deletions;          // --delete: what each destination directory has extra
    const filter_rules& filters;         // --exclude and the rest
    const merged_sources& merged;        // --sync with several sources: one mirror
    chain_batches* chains = nullptr;     // small files as linked chains
    journal* log = nullptr;              // --journal
    const shard_plan* shards = nullptr;  // --shard
    bool staging = false;                // directories this run makes are staged (tree_walk.hpp)
};

class copy_walk {
  public:
    copy_walk(const options& opts, report& out, uio::thread_pool& pool,
              const copy_walk_parts& parts);

    // Walks `roots`, the pass of source `source_index` (merged_sources.hpp), into `queue`;
    // returns when every walker and chain batch it started is done.
    uio::task<void> walk(std::span<const copy_root> roots, std::size_t source_index,
                         uio::channel<entry>& queue);

  private:
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
    // A directory of `node` that cannot be opened or read (`what`: "open directory", "read
    // directory"), in the source (`tree` 0) or the destination (1), reported as every walk
    // reports it (walk_core.hpp).
    void unreadable(const char* what, std::size_t tree, const dir_node& node, int error);
    // A directory's child is done (directory_publication.hpp).
    void release(std::shared_ptr<dir_node> node) { parts_.publisher.release(std::move(node)); }
    // Small files as linked chains, a walk batch at a time (chain_batches.hpp); those they
    // hand back go to the workers.
    uio::task<void> copy_chain_batch(uio::semaphore::permit permit, std::vector<entry> files) {
        return parts_.chains->copy(std::move(permit), std::move(files), *queue_);
    }

    const options& opts_;
    report& out_;
    uio::thread_pool& pool_;
    copy_walk_parts parts_;
    uid_t euid_;
    std::string backup_relative_;  // the backup directory below DST, kept from --delete
    uio::semaphore walkers_;       // walkers besides the first
    // The pass under way.
    std::size_t source_index_ = 0;
    uio::channel<entry>* queue_ = nullptr;
    uio::task_group* walk_group_ = nullptr;
};

}  // namespace uio::fs
