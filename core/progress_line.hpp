// progress_line: ucopy's one status line, for tree copies and table copies alike: bytes done
// of the total known so far ("+" while more may come), items done (files, rows), the rate
// over the last few seconds (so a burst of small files does not swing it wildly) and an ETA
// once the total is final.
//
//   1.5 GiB / 3.0 GiB+  120 / 400+ files  85.2 MiB/s  ETA --:--
//   48.0 MiB / 120.0 MiB  310411 rows  12.4 MiB/s  ETA 0:05
//
// The caller writes the text (it starts with "\r\033[K" to redraw in place). Not
// thread-safe: one owner draws.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

namespace uio {

struct progress_counts {
    std::uint64_t bytes_done = 0;
    std::uint64_t bytes_total = 0;  // 0: unknown
    std::uint64_t items_done = 0;
    std::uint64_t items_total = 0;  // 0: not shown
    const char* items = "files";    // what the items are
    bool total_final = true;        // false: the totals may still grow (a "+", no ETA)
};

class progress_line {
  public:
    using clock = std::chrono::steady_clock;

    // Lines closer together than `interval` are skipped (update() returns "").
    explicit progress_line(std::chrono::milliseconds interval = std::chrono::milliseconds(200))
        : interval_(interval) {}

    // The line for `counts` now, or "" when the last one is more recent than the interval.
    // A `final` line is never skipped and ends with "\n".
    std::string update(const progress_counts& counts, bool final = false,
                       clock::time_point now = clock::now());

    bool drawn() const noexcept { return drawn_; }

  private:
    std::chrono::milliseconds interval_;
    clock::time_point last_{};
    bool drawn_ = false;
    std::deque<std::pair<clock::time_point, std::uint64_t>> samples_;  // the rolling window
};

// "1.5 GiB"
std::string human_bytes(double bytes);

}  // namespace uio
