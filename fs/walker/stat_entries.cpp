// stat_entries: statx(2) per name (walk_core.hpp's stat_name), both sides, on the pool thread
// that lists the batch.
#include "uio/fs/walker/stat_entries.hpp"

#include "uio/fs/walker/walk_core.hpp"

namespace uio::fs {

void stat_entries(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow) {
    for (raw_entry& e : entries) {
        const char* name = e.name.c_str();
        if (const int error = stat_name(src_fd, name, follow, e.st); error != 0) {
            e.error = error;
            e.failed = "stat";
            continue;
        }
        if (dst_fd < 0) continue;
        e.dst_exists = stat_name(dst_fd, name, false, e.dst_st) == 0;
    }
}

}  // namespace uio::fs
