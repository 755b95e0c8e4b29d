// cp -a's metadata on a copy: owner, xattrs, mode, then times — in that order, because
// chown clears set-id bits, user.* xattrs need write permission the final mode may drop,
// and every write moves mtime. Plain system calls: each is a quick inode update.
#pragma once

#include <sys/stat.h>

#include <string>

#include "uio/fs/options.hpp"
#include "uio/fs/report.hpp"

namespace uio::fs {

struct metadata_context {
    const preserve_set& preserve;
    report& out;
    mode_t umask_bits;
    bool may_chown;  // CAP_CHOWN: ownership failures are errors, otherwise ignored like cp
};

// What a file this run just created already carries, so calls that would change nothing
// are skipped (a small file's metadata is otherwise most of its system calls).
struct created_as {
    uid_t uid;
    gid_t gid;
    mode_t mode;  // after the umask
};

// The permission bits a copy of `source` ends with.
mode_t final_mode(const metadata_context& ctx, const struct stat& source);

// On an open destination (regular file or directory). `source_fd` (>= 0) supplies xattrs.
void apply_metadata_fd(const metadata_context& ctx, int fd, int source_fd,
                       const struct stat& source, const std::string& display,
                       const created_as* created = nullptr);

// On a name (symlink, fifo, device) in `dirfd`, never following a final symlink.
void apply_metadata_at(const metadata_context& ctx, int dirfd, const char* name,
                       const struct stat& source, const std::string& display);

// Removes the destination's xattrs the source lacks (--sync; copy_xattrs then sets the
// source's), as rsync -X does.
void drop_other_xattrs(int source_fd, int destination_fd);

// Copies every extended attribute it is allowed to; ENOTSUP gives one warning.
void copy_xattrs(const metadata_context& ctx, int source_fd, int destination_fd,
                 const std::string& display);

}  // namespace uio::fs
