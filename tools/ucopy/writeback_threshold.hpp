// writeback_threshold: how much dirty page cache the kernel lets build up before its flusher
// starts writing back (vm.dirty_background_bytes, or vm.dirty_background_ratio percent of the
// available memory). `--strategy=auto` copies files larger than this with copy_file_range:
// past it, read/write through the ring fell far behind on this machine (24 GiB, ratio 10,
// ~2.4 GB: 4 GiB hot in 6.4 s against 1.6 s by copy_file_range and 3.4 s by cp -a), while
// below it read/write is ahead (2 GiB: 0.49 s against 0.62 s). See tools/ucopy/README.md.
#pragma once

#include <cstdint>

namespace ucopy {

// The threshold in bytes; UINT64_MAX when /proc cannot tell.
std::uint64_t writeback_threshold();

}  // namespace ucopy
