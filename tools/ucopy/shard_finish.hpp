// shard_finish: the end of a sharded copy, done by the last shard out. Each shard that
// finished without an error leaves a marker beside the destination root
// (.ucopy-shards-<root>-K-of-N.done, in its parent directory: never inside the copy, whose
// mtimes it would move); a shard that then finds all N markers is the last one, and
//   1. publishes every split file: metadata on the shared temporary, then one rename to its
//      final name (all of its ranges are written: every shard finished);
//   2. sets every directory's metadata, deepest first (no shard writes into them any more);
//   3. removes the markers.
// Every step is idempotent, so two shards finishing at the same moment may both do it, and
// a finisher killed half way is replaced by the next shard rerun. A failed or killed shard
// leaves no marker: rerunning it (with its --journal) completes the tree and finishes it.
#pragma once

#include "copy_plan.hpp"
#include "options.hpp"
#include "report.hpp"
#include "shard_plan.hpp"

namespace ucopy {

// Leaves this shard's marker; finishes the tree when every shard has. Errors go to `out`.
void finish_shard(const options& opts, const copy_root& root, const shard_plan& plan, report& out);
// Removes this shard's marker as it starts: until it is done again, no finish counts on it.
void forget_shard(const copy_root& root, const shard_plan& plan);

}  // namespace ucopy
