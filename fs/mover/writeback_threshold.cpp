// writeback_threshold: read from /proc/sys/vm and /proc/meminfo, as the kernel computes it.
#include "uio/fs/mover/writeback_threshold.hpp"

#include <cstdint>
#include <fstream>
#include <string>

namespace uio::fs {

namespace {

std::uint64_t read_number(const char* path) {
    std::ifstream in(path);
    std::uint64_t value = 0;
    if (!(in >> value)) return 0;
    return value;
}

std::uint64_t available_memory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit) {
        if (key == "MemAvailable:") return kib * 1024;
    }
    return 0;
}

}  // namespace

std::uint64_t writeback_threshold() {
    if (std::uint64_t bytes = read_number("/proc/sys/vm/dirty_background_bytes")) return bytes;
    const std::uint64_t ratio = read_number("/proc/sys/vm/dirty_background_ratio");
    const std::uint64_t available = available_memory();
    if (ratio == 0 || available == 0) return UINT64_MAX;
    return available / 100 * ratio;
}

}  // namespace uio::fs
