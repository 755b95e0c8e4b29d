// stream_copy: `ucopy FILE DEST` where DEST is a character device, FIFO, socket or a
// descriptor's name (/dev/null, a named pipe, /dev/stdout): cp opens such a destination and
// writes into it; replacing it through a temporary and a rename (what every other
// destination gets) would put a regular file where /dev/null was. The data only, in order:
// a stream has no metadata of its own to preserve. uring/output_target.hpp decides.
#pragma once

#include <uio/core/task.hpp>
#include <uio/uring/output_target.hpp>

#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/report.hpp"

namespace uio::fs {

// Copies root.source into `target` (not kind::replace); an error is reported on `out`,
// naming the paths as the user gave them.
uio::task<void> copy_into_stream(const copy_root& root, uio::output_target target, report& out,
                                 bool verbose);

}  // namespace uio::fs
