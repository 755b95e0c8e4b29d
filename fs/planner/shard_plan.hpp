// shard_plan: which part of a tree shard K of N copies, decided by every shard alone (no
// coordination, no shared listing) and balanced by bytes.
//
// The tree is read as one stream in a fixed order: depth first, names sorted bytewise in
// every directory (the same order on every node, whatever readdir returns), each entry
// weighing its size plus `entry_weight` (so a shard of a million empty files is not
// "empty"). The stream is cut into N pieces of equal weight; shard K owns everything from
// cut K-1 to cut K. A cut that falls inside a regular file of at least `min_split` bytes
// stays there, rounded down to `split_alignment`: that file is copied in byte ranges by
// several shards (pwrite into one shared temporary, published by the finish step,
// shard_finish.hpp); anywhere else a cut moves to the start of the entry. So every shard
// gets its N-th of the bytes give or take one alignment unit, and N-1 cuts (path, offset)
// are the whole plan: deciding an entry is comparing its path with two cuts.
//
// Making the plan walks the source twice with blocking calls: once for every directory's
// weight (memory: one number per directory), then once more, reading only the directories
// a cut falls in. A shard then walks only the directories that hold part of its slice.
// Hard links (-a): an inode's data weighs once, at its first name (the leader), which also
// carries the entry weight of its other names: the shard that links them does that work.
// A leader is split like any large file (else every cut inside it would move to its start:
// one 50 MiB linked file in a 69 MB tree took all of it into one shard); the shards write
// its ranges, and the finish step publishes it and links the other names to it. A leader
// that is not split goes whole, with all its names, to the shard that owns it, which links
// them. Pruning is then off (a name may be anywhere).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "uio/fs/planner/filter_rules.hpp"

namespace uio::fs {

// Paths below the source root, '/'-joined ("" is the root), ordered as the walk visits
// them: component by component, each compared bytewise (an ancestor first).
int compare_tree_paths(const std::string& a, const std::string& b) noexcept;

struct shard_cut {
    std::string path;
    std::uint64_t offset = 0;  // within a regular file; 0 everywhere else
};

struct byte_range {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    bool empty() const noexcept { return begin >= end; }
};

// The names of one multiply-linked inode within the tree (filters applied).
struct link_group {
    std::string leader;
    std::vector<std::string> others;
};

class shard_plan {
  public:
    static constexpr std::uint64_t entry_weight = 4096;
    static constexpr std::uint64_t split_alignment = 64 << 10;
    static constexpr std::uint64_t min_split = 4 << 20;

    // Reads the tree at `root` (blocking). Throws copy_error when a directory of it cannot be
    // opened or read, or an entry stat'ed: the path as the user named it, the errno in
    // error_number().
    static shard_plan make(const std::string& root, unsigned index, unsigned count,
                           const filter_rules& filters, bool links);

    unsigned index() const noexcept { return index_; }
    unsigned count() const noexcept { return count_; }
    std::uint64_t total_weight() const noexcept { return total_; }
    const std::vector<shard_cut>& cuts() const noexcept { return cuts_; }

    // The bytes of a regular file at `path` that shard `shard` copies ([0, size): all of it).
    byte_range range(const std::string& path, std::uint64_t size, unsigned shard) const;
    byte_range range(const std::string& path, std::uint64_t size) const {
        return range(path, size, index_);
    }
    // Whether this shard copies the (unsplittable) entry at `path`: a directory, symlink,
    // special or empty file. A multiply-linked file (with `links`) goes by `leader` instead.
    bool owns(const std::string& path) const { return !range(path, 1).empty(); }
    // The first name (in walk order) of a multiply-linked inode; empty when not recorded.
    std::string leader(dev_t dev, ino_t ino) const;
    // Its other names in the tree, in walk order (the finish step links them to a split
    // leader).
    std::vector<std::string> other_names(dev_t dev, ino_t ino) const;
    // Whether nothing below and including directory `path` is this shard's.
    bool outside(const std::string& directory) const;
    // Whether the file at `path` is copied by several shards (a cut inside it).
    bool split(const std::string& path, std::uint64_t size) const;
    // The weight each shard gets (bench-shard reports the balance from these).
    std::vector<std::uint64_t> shard_weights() const;
    // Split files' paths, for the finish step.
    std::vector<std::string> split_paths() const;

  private:
    unsigned index_ = 0;
    unsigned count_ = 1;
    std::uint64_t total_ = 0;
    std::vector<shard_cut> cuts_;               // count_ - 1, in order
    std::vector<std::uint64_t> cut_positions_;  // where each cut is in the stream
    std::map<std::pair<dev_t, ino_t>, link_group> leaders_;
};

// The shared temporary a split file is written into by its shards: a fixed name per final
// name (the shards must agree on it without talking), never a .ucopy-PID-N.tmp name that
// a rerun's stale-temporary sweep would delete from under a live shard on another node.
std::string part_name(const std::string& final_name);
// Beside it, one empty file per range written into the temporary with inode `ino`.
std::string range_marker(const std::string& part, ino_t ino, unsigned shard);

}  // namespace uio::fs
