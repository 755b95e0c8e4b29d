// The walk's per-entry routing decisions (entry_route.hpp).
#include "uio/fs/planner/entry_route.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "uio/fs/planner/sync_check.hpp"

namespace uio::fs {

bool unchanged_by_stat(const options& opts, const raw_entry& raw) {
    if (!opts.sync || !raw.dst_exists || S_ISDIR(raw.st.st_mode) || S_ISLNK(raw.st.st_mode) ||
        opts.checksum || (opts.preserve.links && raw.st.st_nlink > 1) ||
        (opts.preserve.xattr && raw.xattrs_differ)) {
        return false;
    }
    const entry_changes changes = quick_check(raw.st, raw.dst_st, opts.preserve);
    return !changes.needs_copy(false) && !changes.metadata();
}

bool chain_eligible(const options& opts, const metadata_context& meta, std::size_t chain_max,
                    uid_t euid, const dir_node& dir, const raw_entry& raw) {
    if (!dir.staged || dir.default_acl || raw.dst_exists) return false;
    const struct stat& st = raw.st;
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
        static_cast<std::uint64_t>(st.st_size) > chain_max) {
        return false;
    }
    if (opts.preserve.links && st.st_nlink > 1) return false;
    if (opts.preserve.xattr && raw.has_xattrs) return false;
    // Holes: the extent-by-extent path keeps them.
    if (opts.sparse != when::never && st.st_blocks * 512 < st.st_size) return false;
    if ((final_mode(meta, st) & 07000) != 0) return false;  // set-id bits: the careful path
    const bool owned = st.st_uid == euid && st.st_gid == dir.new_file_gid;
    return !opts.preserve.ownership || owned || meta.may_chown;
}

bool shard_takes(const options& opts, const shard_plan& shards, const dir_node& dir,
                 const raw_entry& raw, entry& e) {
    const std::string path = dir.relative + raw.name;
    if (!S_ISREG(raw.st.st_mode) || raw.st.st_size == 0) return shards.owns(path);
    const auto size = static_cast<std::uint64_t>(raw.st.st_size);
    if (opts.preserve.links && raw.st.st_nlink > 1) {
        const std::string leader = shards.leader(raw.st.st_dev, raw.st.st_ino);
        const std::string& first = leader.empty() ? path : leader;
        // A split leader's other names are linked by the finish step, once it is published;
        // a whole one's by the shard that copies it.
        if (!shards.split(first, size)) return shards.owns(first);
        if (first != path) return false;
    }
    const byte_range mine = shards.range(path, size);
    if (mine.empty()) return false;
    if (shards.split(path, size)) {
        e.split = true;
        e.part_begin = mine.begin;
        e.part_end = mine.end;
    }
    return true;
}

}  // namespace uio::fs
