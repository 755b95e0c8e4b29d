// shard_finish: the end of a sharded copy, done by the last shard out — a barrier through
// the file system, so no launcher and no extra command are needed. Each shard removes its
// marker as it starts and, when it finished without an error, leaves it again beside the
// destination root (.ucopy-shards-<root>-K-of-N.done in DST's parent: never inside the copy,
// whose mtimes it would move). A shard that then finds all N markers
//   1. publishes every split file whose ranges are all marked written into this very
//      temporary (one marker per range, named with the temporary's inode): metadata on the
//      temporary, then one rename to its final name;
//   2. sets every directory's metadata, deepest first.
// Every step is idempotent and the markers stay, so the last shard to end always finishes
// after every write: two shards ending together both finish; a shard of an earlier,
// aborted run whose marker is still there can make a finish come early, and the shard then
// still running finishes again when it ends (split files never go early: their range
// markers are per temporary). A failed or killed shard leaves no marker: rerunning it
// (with its --journal) completes the tree and finishes it.
#pragma once

#include "uio/fs/options.hpp"
#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/planner/shard_plan.hpp"
#include "uio/fs/report.hpp"

namespace uio::fs {

// Leaves this shard's marker; finishes the tree when every shard has. Errors go to `out`.
void finish_shard(const options& opts, const copy_root& root, const shard_plan& plan, report& out);
// Removes this shard's marker as it starts: until it is done again, no finish counts on it.
void forget_shard(const copy_root& root, const shard_plan& plan);

}  // namespace uio::fs
