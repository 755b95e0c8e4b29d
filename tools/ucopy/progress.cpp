// Counting only; the counters come from copy_tree, the drawing from progress_line.
#include "progress.hpp"

#include <cstdio>

namespace ucopy {

void progress::draw(const uio::fs::tree_stats& so_far) {
    uio::progress_counts c;
    c.bytes_done = so_far.bytes_copied;
    c.bytes_total = so_far.bytes_seen;
    c.items_done = so_far.files_done;
    c.items_total = so_far.files_seen;
    c.items = "files";
    c.total_final = so_far.walk_finished;
    std::string text = line_.update(c, so_far.finished);
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace ucopy
