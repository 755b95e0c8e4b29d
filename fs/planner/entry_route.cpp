// The walk's per-entry routing decisions (entry_route.hpp).
#include "uio/fs/planner/entry_route.hpp"

#include <sys/stat.h>

#include <cstdint>

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

}  // namespace uio::fs
