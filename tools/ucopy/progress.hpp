// progress: the status line of a tree copy on stderr, redrawn every 100 ms from the loop
// thread: bytes and files done of those found so far (a "+" while the walk is still finding
// more), the rate and an ETA. The line itself is uio::progress_line (core/), which table
// copies draw too.
#pragma once

#include <uio/core/task.hpp>

#include "report.hpp"
#include "uio/core/progress_line.hpp"

namespace ucopy {

class progress {
  public:
    explicit progress(report& counts) : counts_(counts) {}
    // Redraws until `done` becomes true, then draws a final line and ends it.
    uio::task<void> run(const bool& done);

  private:
    void draw(bool final);

    report& counts_;
    uio::progress_line line_{std::chrono::milliseconds(0)};  // run() paces it
};

using uio::human_bytes;

}  // namespace ucopy
