// Summaries: per-run latency percentiles, and median with min–max over repeats (one run is
// noise on a shared machine; the median of several is the number to quote).
#pragma once

#include <cstdint>
#include <vector>

namespace ubench {

// The p-th percentile (0..100, nearest rank) of `values`, which it reorders. 0 when empty.
double percentile(std::vector<std::uint32_t>& values, double p);

struct spread {
    double median = 0;
    double min = 0;
    double max = 0;
};

spread summarize(std::vector<double> samples);

}  // namespace ubench
