// progress: --progress's status line of a tree copy on stderr, drawn from copy_tree's progress
// callback (every 100 ms, on the loop thread): bytes and files done of those found so far (a
// "+" while the walk is still finding more), the rate and an ETA. The line itself is
// uio::progress_line (core/), which table copies draw too.
#pragma once

#include <uio/core/progress_line.hpp>
#include <uio/fs/tree_stats.hpp>

namespace ucopy {

class progress {
  public:
    // One redraw; the last (so_far.finished) ends the line.
    void draw(const uio::fs::tree_stats& so_far);

  private:
    uio::progress_line line_{std::chrono::milliseconds(0)};  // copy_tree paces the calls
};

}  // namespace ucopy
