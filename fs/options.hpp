// options: what a tree copy, sync or check is asked to do, one field per option of ucopy's
// command line (tools/ucopy parses it into this struct); copy_tree.hpp's calls take it. Two
// fields are not options: where the run's messages go (`on_message`) and the test hooks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "uio/fs/tree_message.hpp"

namespace uio::fs {

class test_hooks;

enum class when { automatic, always, never };

// How file contents move. `automatic` picks per file from measurements (see README).
enum class strategy { automatic, read_write, direct, copy_file_range };

struct preserve_set {
    bool mode = false;
    bool ownership = false;
    bool timestamps = false;
    bool xattr = false;
    bool links = false;
};

// One --exclude, --include, --filter or --exclude-from, in command-line order: rsync's
// rules are first-match-wins, so their order across options matters (filter_rules.hpp).
struct filter_arg {
    enum class kind { exclude, include, rule, exclude_from };
    kind what = kind::exclude;
    std::string text;
};

struct options {
    std::vector<std::string> sources;
    std::string destination;

    bool recursive = false;
    bool dereference = false;  // -L everywhere; command-line arguments only when !recursive
    bool no_clobber = false;
    bool update = false;
    bool dry_run = false;
    bool verbose = false;  // -v: a verbose message per entry copied
    bool verify = false;
    bool fsync = false;
    bool progress = false;
    bool quiet = false;  // -q: no -v, -i or --progress output; errors and warnings still
    bool stats_json = false;
    bool one_file_system = false;  // -x: directories on other file systems are copied empty
    preserve_set preserve;
    when sparse = when::automatic;
    when reflink = when::automatic;
    strategy data_strategy = strategy::automatic;
    std::vector<filter_arg> filters;
    std::string journal_path;

    // --sync: keep DST a mirror of SRC (sync_check.hpp). A file whose destination has the
    // same type, size and mtime is not copied (rsync's quick check; with `checksum`, the
    // same contents); metadata that differs is set in place.
    bool sync = false;
    bool checksum = false;
    // Which existing files' xattrs --sync compares (with preserve.xattr): every one with -X
    // or --checksum (as rsync -X does); else only where the source's ctime is not older than
    // the mirror's (xattrs_worth_comparing in sync_check.hpp): -a alone pays nothing per
    // unchanged file, as rsync -a, which does not look at xattrs at all.
    bool every_xattr = false;
    bool delete_extraneous = false;  // --delete: after a copy without errors (deletion_plan.hpp)
    bool delete_excluded = false;    // excluded destination entries are deleted too
    // A source directory root that is empty while --delete would empty its mirror is refused
    // (an unmounted or wiped source must not wipe the mirror) unless this is set.
    bool delete_all_ok = false;
    std::optional<std::uint64_t> max_delete;
    std::string backup_dir;  // replaced and deleted entries go here (relative: to DST)
    bool itemize = false;    // an itemized message per change, rsync's %i format

    // --check: compare SRC with DST and report every difference; copy nothing (tree_check.hpp).
    bool check = false;

    // --shard K/N: copy only shard K (0-based) of N of the tree (shard_plan.hpp). Without
    // --shard, a launcher's rank and size (Open MPI, PMI, Slurm) give K and N.
    unsigned shard_index = 0;
    unsigned shard_count = 1;
    bool shard_plan_only = false;  // --shard-plan: print each shard's weight, copy nothing

    unsigned threads = 0;       // -j: thread pool size (0: one per core, at least 2)
    unsigned queue_depth = 64;  // files in flight at once
    unsigned walkers = 8;       // directories walked (and so written) at once
    // New directories are normally staged (built under a temporary name, renamed when
    // complete); with this, or --journal, each file is renamed into place when done.
    bool no_staging = false;
    std::size_t block_size = 256 * 1024;
    unsigned chunks_per_file = 4;  // chunks of one large file in flight
    // Small files in fresh (staged) directories go as linked io_uring chains on private rings
    // (small_files.hpp): `chain_threads` threads (0: one per core), `chain_depth` files in
    // flight on each, files up to `chain_max` bytes. --no-chains sends every file the
    // ordinary per-file way.
    bool chains = true;
    unsigned chain_threads = 0;
    unsigned chain_depth = 16;
    std::size_t chain_max = 64 * 1024;
    unsigned chain_batches = 0;  // walk batches of small files in flight (0: two per thread)
    // automatic: files at least this large are written with O_DIRECT (copy_file_range where
    // the file system refuses O_DIRECT); parse_command_line sets it to writeback_threshold()
    // (writeback_threshold.hpp: a file that large is written back to disk during the copy
    // anyway, and filling the page cache on the way was the slow part). reflink=auto still
    // tries FICLONE first.
    std::uint64_t direct_min = UINT64_MAX;
    // Not an option: where errors, warnings, -v and -i lines and --check's differences go
    // (tree_message.hpp). Null: nowhere — the library prints nothing; tree_stats and
    // check_stats still count them, and a failure that ends the run is still thrown. ucopy
    // installs one that prints each on stdout or stderr. Called on the loop thread.
    message_callback on_message;
    // Not an option: test hooks (test_hooks.hpp), null in the shipped ucopy and for an
    // embedding program.
    test_hooks* hooks = nullptr;
};

}  // namespace uio::fs
