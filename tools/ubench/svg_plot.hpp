// --plot: random-read throughput against queue depth, one panel per cache mode, every line
// labelled at its end (no legend to decode). Written as SVG by hand: no gnuplot needed.
#pragma once

#include <string>

#include "results.hpp"

namespace ubench {

// Throws std::system_error when the file cannot be written.
void write_plot(const std::string& path, const files_report& report);

}  // namespace ubench
