// entry_route: which way the walk sends a listed entry, decided from its stats alone (no
// I/O, so tests call these with made-up stats): nowhere, when a mirror's file is unchanged
// (--sync's quick check on the walk's stats, for most entries of a mirror), or when another
// shard copies it (--shard); or onto the small-file chains (small_files.hpp) rather than a
// worker.
#pragma once

#include <sys/types.h>

#include <cstddef>

#include "uio/fs/options.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

// --sync: the destination already matches `raw` (type, size, mtime, metadata). Symlinks need
// their destination's target, --checksum the bytes, hard links their group: never here.
bool unchanged_by_stat(const options& opts, const raw_entry& raw);

// `raw`, listed in `dir`, can go as a linked chain: a plain regular file of at most
// `chain_max` bytes, new in a staged directory, whose metadata a chain sets (no set-id bits,
// no hard links or xattrs to keep, no holes, an owner `euid` may give it).
bool chain_eligible(const options& opts, const metadata_context& meta, std::size_t chain_max,
                    uid_t euid, const dir_node& dir, const raw_entry& raw);

// --shard: whether this shard copies `raw`, listed in `dir`; for a file split among shards,
// which bytes (entry::split, part_begin, part_end in `e`). A hard-linked file goes with its
// leader (its first name): whole to the shard owning a leader that is not split, else to
// the finish step, which links it once the leader is published.
bool shard_takes(const options& opts, const shard_plan& shards, const dir_node& dir,
                 const raw_entry& raw, entry& e);

}  // namespace uio::fs
