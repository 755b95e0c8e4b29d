// tree_check: `ucopy --check SRC DST` — the proof that DST is a faithful copy of SRC,
// copying nothing. Both trees are walked together (names sorted, so the output is stable)
// and every entry is compared for type, size, mtime (ns), mode, owner and group, symlink
// target, device number, xattrs (always, as --sync does: this is a proof, not a
// heuristic), hard-link structure and, with --checksum, contents. Each
// difference is a message to opts.on_message (difference_message, report.hpp): the line
// ucopy prints on stdout (or one JSON object with --stats=json, then ucopy's summary
// object), names and symlink targets escaped as -i escapes them (name_escape.hpp), so the
// JSON is valid UTF-8 whatever a name holds.
#pragma once

#include "uio/fs/options.hpp"
#include "uio/fs/tree_stats.hpp"

namespace uio::fs {

// Compares opts.sources[0] (the only source) with opts.destination as named: no cp-style
// "into DST/basename" (after `ucopy -r DIR EXISTING` check DIR against EXISTING/DIR).
// Blocking: check_tree (copy_tree.hpp) runs it on a thread of its own.
check_stats check_trees(const options& opts);

}  // namespace uio::fs
