// progress: one status line on stderr, redrawn at most 10 times a second from the loop
// thread: bytes and files done of those found so far (a "+" while the walk is still
// finding more), the current rate, and an ETA from a rolling average over the last few
// seconds (so a burst of small files does not swing it wildly).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

#include <uio/core/task.hpp>

#include "report.hpp"

namespace ucopy {

class progress {
  public:
    explicit progress(report& counts) : counts_(counts) {}
    // Redraws until `done` becomes true, then draws a final line and ends it.
    uio::task<void> run(const bool& done);

  private:
    void draw(bool final);

    using clock = std::chrono::steady_clock;
    report& counts_;
    clock::time_point start_ = clock::now();
    std::deque<std::pair<clock::time_point, std::uint64_t>> samples_;  // the rolling window
};

// "1.5 GiB"
std::string human_bytes(double bytes);

}  // namespace ucopy
