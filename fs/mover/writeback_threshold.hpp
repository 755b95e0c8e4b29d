// writeback_threshold: how much dirty page cache the kernel lets build up before its flusher
// starts writing back (vm.dirty_background_bytes, or vm.dirty_background_ratio percent of the
// available memory). `--strategy=auto` writes files larger than this with O_DIRECT when their
// source is cached: past it, buffered writes fell far behind on this machine (24 GiB, ratio
// 10, ~2.4 GB: 4 GiB hot in 6.4 s by read/write, 2.3 s with O_DIRECT, 4.7 s by cp -a). Below
// it, files above 64 KiB go by copy_file_range. See tools/ucopy/README.md.
#pragma once

#include <cstdint>

namespace uio::fs {

// The threshold in bytes; UINT64_MAX when /proc cannot tell.
std::uint64_t writeback_threshold();

}  // namespace uio::fs
