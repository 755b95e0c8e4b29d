// sync_check: what --sync must do for one entry whose destination exists — nothing, set
// metadata in place, or copy — and the line --itemize-changes prints for it, in rsync's %i
// format (YXcstpoguax: update type, file type, then one letter per attribute that differs:
// checksum, size, time, permissions, owner, group, -, ACL, xattrs).
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "uio/fs/options.hpp"

namespace uio::fs {

struct entry_changes {
    bool type = false;      // a file where a symlink was, ...: replaced
    bool contents = false;  // --checksum found other bytes (or another symlink target)
    bool size = false;
    bool time = false;
    bool perms = false;
    bool owner = false;
    bool group = false;
    bool xattrs = false;

    // The data must be written again (temporary + rename).
    bool needs_copy(bool checksum) const noexcept {
        return type || contents || size || (time && !checksum);
    }
    bool metadata() const noexcept { return time || perms || owner || group || xattrs; }
};

// Compares the walk's stats of the source and of the existing destination, for what the
// user preserves. Contents (--checksum, symlink targets) and xattrs are compared by the
// caller, who fills `contents` and `xattrs`.
entry_changes quick_check(const struct stat& source, const struct stat& destination,
                          const preserve_set& preserve);

// Whether the xattrs of an existing destination need comparing with its source's. Setting,
// changing or removing an xattr moves a file's ctime, and a copy sets the destination's
// xattrs (and so its ctime) after reading the source's: a source whose ctime is older than
// its destination's has the xattrs it had when that destination was last written. That
// proves nothing about the destination's own xattrs, nor about a source change followed by
// a chmod or link on the mirror, which moves the mirror's ctime past it: `every` (-X,
// --checksum) compares every file, as rsync -X does. Like rsync -a's quick check, the
// default trusts metadata: the comparison costs two listxattr calls a file, as much kernel
// work as the two stats of the whole quick check.
bool xattrs_worth_comparing(const struct stat& source, const struct stat& destination,
                            bool every) noexcept;

// Whether two names carry the same extended attributes, names and values (blocking: the
// walk calls it on the thread pool). Never follows a final symlink of the destination.
bool same_xattrs(int src_dirfd, const char* src_name, bool follow, int dst_dirfd,
                 const char* dst_name);

// One --itemize-changes line, `path` escaped as rsync escapes names (name_escape.hpp).
// `created`: the destination did not exist ("+++++++++").
// `update`: '>' data written, 'c' created or replaced locally (directories, links,
// specials), 'h' a hard link, '.' only metadata.
std::string itemize(char update, const struct stat& source, const entry_changes& changes,
                    bool created, std::string_view path);
// "*deleting   path" (a directory's path ends in '/').
std::string itemize_deletion(std::string_view path);

}  // namespace uio::fs
