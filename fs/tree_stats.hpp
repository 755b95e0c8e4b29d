// tree_stats: what a tree copy, sync or check did — as copy_tree and sync_tree return it, as
// their progress callback sees it, and as `ucopy --stats=json` prints it.
#pragma once

#include <cstdint>
#include <string>

namespace uio::fs {

// How file contents moved, one count per file.
struct strategy_counts {
    std::uint64_t read_write = 0;      // io_uring read/write through registered buffers
    std::uint64_t linked_chain = 0;    // small files: one linked open/read/close/create/write/close
    std::uint64_t chain_fallback = 0;  // chains that failed and were redone the ordinary way
    std::uint64_t direct = 0;          // read/write with O_DIRECT writes (large files)
    std::uint64_t copy_file_range = 0;  // kernel-side copy on the thread pool
    std::uint64_t reflink = 0;          // FICLONE: extents shared, nothing copied
    std::uint64_t sparse = 0;           // files copied extent by extent (SEEK_DATA/SEEK_HOLE)
    std::uint64_t empty = 0;            // nothing to move
};

struct tree_stats {
    // What the walk found so far; `walk_finished` once it has found everything.
    std::uint64_t files_seen = 0;
    std::uint64_t bytes_seen = 0;
    bool walk_finished = false;
    std::uint64_t files_done = 0;  // regular files copied, linked or skipped
    std::uint64_t bytes_copied = 0;
    std::uint64_t directories = 0;
    std::uint64_t symlinks = 0;
    std::uint64_t hard_links = 0;
    std::uint64_t specials = 0;
    std::uint64_t skipped = 0;          // no_clobber, update, filters
    std::uint64_t journal_skipped = 0;  // done in an earlier run (options::journal_path)
    std::uint64_t verified = 0;
    // sync_tree
    std::uint64_t copied = 0;            // entries whose data was written (new or changed)
    std::uint64_t unchanged = 0;         // the destination already matched
    std::uint64_t metadata_updated = 0;  // only metadata differed, set in place
    std::uint64_t deleted = 0;           // delete_extraneous (or moved into backup_dir)
    bool max_delete_reached = false;     // max_delete kept some deletions
    // Entries that failed (each an error message, in cp's words; the rest was copied), source
    // files that vanished during the run, distinct warnings (tree_message.hpp).
    std::uint64_t errors = 0;
    std::uint64_t vanished = 0;
    std::uint64_t warnings = 0;
    strategy_counts strategies;
    // The progress callback's last call: the run is over.
    bool finished = false;

    // One JSON object, `ucopy --stats=json`'s.
    std::string json(double seconds) const;
};

// What check_tree found.
struct check_stats {
    std::uint64_t checked = 0;      // entries compared
    std::uint64_t differences = 0;  // each a difference message (tree_message.hpp)
    std::uint64_t errors = 0;       // entries that could not be read (each an error message)
    bool same() const noexcept { return differences == 0 && errors == 0; }
};

}  // namespace uio::fs
