// The directory walk's data: a dir_node per directory being copied (open descriptors on both
// sides, so every open is dir-fd relative and O_NOFOLLOW), and an entry per child to copy.
// A directory stays open while its listing or any child is unfinished (`pending`), so the
// number of open nodes is bounded by the tree depth plus the entries in flight, never by the
// number of files. Directory reads and stats are blocking calls: dir_reader runs them on the
// thread pool in batches.
//
// Staging: a directory this run creates (when no --journal asks for per-file resumption) is
// made under a hidden temporary name and renamed to its final name only when everything
// below it is complete, so the files inside can be created under their final names (no
// rename per file) while no user-visible path ever shows a partially filled directory.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <uio/core/semaphore.hpp>
#include <uio/uring/stat_time.hpp>

#include "uio/fs/walker/walk_core.hpp"
#include "uio/uring/temp_name.hpp"

namespace uio::fs {

struct dir_node {
    dir_node() = default;
    dir_node(const dir_node&) = delete;
    dir_node& operator=(const dir_node&) = delete;
    ~dir_node();

    int src_fd = -1;         // AT_FDCWD for the parent of a command-line file
    int dst_fd = -1;         // -1 in --dry-run for directories not created
    dev_t dst_dev = 0;       // file system of dst_fd (reflink support is remembered per pair)
    std::string src_prefix;  // display path of a child = prefix + name
    std::string dst_prefix;
    std::string relative;  // below the command-line source, for --exclude ("" at the top)
    struct stat st {};     // of the source directory, applied when everything inside is done
    std::string name;      // final name in parent->dst_fd
    std::string
        stage_name;  // current (temporary) name in parent->dst_fd: the top of a staging tree
    gid_t new_file_gid = 0;    // group a file created in dst_fd gets (the directory's if set-gid)
    bool default_acl = false;  // dst_fd has a default ACL: new files' modes are not just umask
    std::shared_ptr<dir_node> parent;
    std::size_t pending = 1;  // the listing itself + unfinished children
    bool fresh = false;       // created by this run: nothing exists in it yet
    bool finalize = true;     // false for the parent of a command-line file
    bool staged = false;      // in (or the top of) a staging tree: children take final names
    // Several sources into one --sync mirror (merged_sources.hpp): which one this pass walks,
    // and whether an earlier source holds this directory too: its metadata is that one's,
    // set by the earlier pass, and its times (`dst_times`, as this pass found them) are put
    // back after this pass wrote in it.
    std::size_t source_index = 0;
    bool shadowed = false;
    struct timespec dst_times[2]{};
    // An existing destination directory without its owner's write bit (a read-only source
    // directory copied before) gets it while this run writes in it, as a user who is not
    // root needs; the mode is put back when the directory is finished, or by the destructor
    // if it never is (directory_publisher::lift_write).
    mode_t dst_mode = 0;
    bool write_lifted = false;
    // Creates in dst_fd in flight at once. A create holds the directory's inode lock, so a
    // second one in the same directory only spins on it (measured: 14% of all CPU with 64 in
    // flight); the walkers keep several directories busy instead.
    uio::semaphore creates{1};
};

// A stat's modification time in nanoseconds (the quick check and the journal compare these).
using uio::mtime_ns;

struct entry {
    std::shared_ptr<dir_node> dir;
    std::string src_name;  // in dir->src_fd
    std::string dst_name;  // in dir->dst_fd
    struct stat st {};
    std::string link_target;  // for symbolic links
    bool dst_exists = false;
    struct stat dst_st {};
    bool follow = false;     // open the source following a final symlink (-L, or cp's arguments)
    bool journaled = false;  // the journal has the destination, copied from this size and mtime
    bool xattrs_differ = false;  // --sync: the existing destination's xattrs are not the source's
    // --shard: only these bytes of a file split among shards (shard_plan.hpp); split = false
    // for a whole file.
    bool split = false;
    std::uint64_t part_begin = 0;
    std::uint64_t part_end = 0;

    std::string src_path() const { return dir->src_prefix + src_name; }
    std::string dst_path() const { return dir->dst_prefix + dst_name; }
};

// One name from a directory, stat'ed (error != 0: what failed, errno in `error`).
struct raw_entry {
    std::string name;
    struct stat st {};
    std::string link_target;
    bool dst_exists = false;
    struct stat dst_st {};
    bool journaled = false;
    bool has_xattrs = true;      // checked only when asked (entry_followups); true: unknown
    bool xattrs_differ = false;  // from the destination's (entry_followups::compare_xattrs)
    int error = 0;
    const char* failed = nullptr;  // "stat", "read link"
};

// A directory listed in batches, on a duplicate of a directory descriptor (dir_stream,
// walk_core.hpp). Blocking: use from offload, one call at a time.
class dir_reader {
  public:
    explicit dir_reader(int dir_fd) : stream_(dir_fd, dir_stream::open_as::duplicate) {}

    int open_error() const noexcept { return stream_.open_error(); }
    // Up to `max` names (fewer at the end; empty when done), not yet stat'ed: the walk
    // stats them (stat_entries.hpp), then calls finish_entries.
    std::vector<raw_entry> next_names(std::size_t max);
    int read_error() const noexcept { return stream_.read_error(); }

  private:
    dir_stream stream_;
};

// What a stat'ed batch still needs of blocking calls: a symlink's target; with `xattrs`,
// whether a regular file has extended attributes (has_xattrs); with `compare_xattrs`,
// whether an existing destination's differ from the source's (xattrs_differ): for every
// file with `every_xattr` (-X, --checksum), else where the ctimes say the source's may have
// changed (xattrs_worth_comparing, sync_check.hpp). A comparison costs a listxattr on each
// side, as much kernel work as the two stats.
struct entry_followups {
    bool xattrs = false;
    bool compare_xattrs = false;
    bool every_xattr = false;

    bool compares_xattrs(const raw_entry& e) const noexcept;

    bool needed(const raw_entry& e) const noexcept;
};
// Does those follow-ups in `src_fd`/`dst_fd`, for the entries that need one (blocking: the
// walk runs it on the pool).
void finish_entries(std::span<raw_entry> entries, int src_fd, int dst_fd, bool follow,
                    const entry_followups& followups);

// The names in a directory, with whether each is a directory (never following symlinks).
// Blocking. An unreadable directory gives an empty list and its errno in `error`.
struct listed_name {
    std::string name;
    bool is_dir = false;
};
std::vector<listed_name> list_directory(int dir_fd, int& error);

// Hidden temporary names: ".ucopy-<pid>-<n>.tmp", the scheme table exports use too.
using uio::is_temp_name;
using uio::temp_name;

// Removes what a killed run left in `dst_fd` (blocking): temporary files and staging
// directories (with their contents) whose process is gone; a live process's are kept.
void remove_stale_temps(int dst_fd);
// The same for a listing of `dst_fd` already made.
void remove_stale_temps(int dst_fd, const std::vector<listed_name>& listed);

// Removes `name` in `dirfd` and, for a directory, everything below it (blocking; never
// follows symlinks). Returns 0 or an errno value.
int remove_tree(int dirfd, const char* name);

}  // namespace uio::fs
