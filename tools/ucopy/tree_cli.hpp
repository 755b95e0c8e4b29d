// tree_cli: `ucopy SRC... DST` for files and directories — uio::fs (copy_tree.hpp) called on
// a ring of its own, with --progress's line, --stats=json's summary, cp's and rsync's exit
// statuses.
#pragma once

#include <uio/fs/options.hpp>

namespace ucopy {

// Runs the copy, sync, check or shard plan `opts` asks for; returns the exit status.
int run_tree_command(const uio::fs::options& opts);

}  // namespace ucopy
