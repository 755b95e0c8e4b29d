// tree_walker: the one depth-first traversal of the blocking walks (--check, shard planning,
// shard finishing). It owns what each of them used to write again, on the core it shares with
// the copy walk (walk_core.hpp): every directory opened relative to its parent's descriptor
// with O_NOFOLLOW (a symlink never takes the walk out of the tree), listing, stats (never
// following, each just before its visit), the filters, and the report of a directory that
// cannot be opened or read (its path and errno); and, its own, a bytewise order of names where
// the result must not depend on readdir (shard plans must agree across ranks).
// A traversal supplies only what it does per name and per directory (tree_visitor).
//
// Two trees can be walked side by side (--check: source and destination; shard finishing:
// the source's directories and the copy's): the second tree's directory at the same path is
// opened beside the first's, and, when it is listed too, every name of either tree is
// visited once, in order, with what each tree holds.
//
// Descriptors: one per tree and level of depth (the walk holds a directory open while it
// walks below it, and closes it when it leaves), so the walk needs no share of the engine's
// descriptor budget (fd_limits.hpp). Blocking, one thread: run it off any event loop.
//
// The engine's copy walk (copy_walk.hpp: batches on the thread pool, several walkers, entries
// streamed into the workers' channel) is a traversal of its own on the same core: a visitor
// per name, on one thread, would cost it the batching and concurrency it is fast by.
#pragma once

#include <sys/stat.h>

#include <array>
#include <string>
#include <vector>

#include "uio/fs/planner/filter_rules.hpp"
#include "uio/fs/walker/walk_core.hpp"

namespace uio::fs {

struct listed_name;  // tree_walk.hpp

// A directory of the walk, open: `fd[0]` in the first tree, `fd[1]` in the second (-1 when
// the walk has one tree).
struct walk_dir {
    const std::string& path;  // below the roots, '/'-joined: "" for the roots, "a/b"
    std::array<int, 2> fd;
};

// One name of a directory, in one tree or both.
struct walk_name {
    std::string name;
    std::string path;                 // below the roots: "a/b/name"
    std::array<bool, 2> in{};         // listed in that tree
    std::array<bool, 2> is_dir{};     // a directory there (never following a symlink)
    std::array<struct stat, 2> st{};  // with walk_settings::stat: the stat (never following)
    std::array<int, 2> stat_error{};  // its errno (0: stat'ed, or not asked)
};

// What a walk does with each name and directory (`enter` and `leave` are optional).
class tree_visitor {
  public:
    enum class step { skip, descend, stop };

    // Each name of `dir`, in the walk's order. `descend` walks a directory (one that is a
    // directory in the first tree, and in the second when it is listed) before the next
    // name; `stop` ends the whole walk.
    virtual step visit(const walk_dir& dir, const walk_name& name) = 0;
    // A directory opened (every tree the walk has), before its names.
    virtual void enter(const walk_dir& dir);
    // After its names (or its failure to be read), before it is closed.
    virtual void leave(const walk_dir& dir);
    virtual void unreadable(const walk_failure& failure) = 0;

  protected:
    ~tree_visitor() = default;
};

struct walk_settings {
    bool second_tree = false;               // open the second tree's directories beside the first's
    bool list_second = false;               // and visit its names too (implies sorted)
    bool sorted = true;                     // names in bytewise order, whatever readdir returns
    bool stat = true;                       // lstat every name (else only is_dir, from the listing)
    const filter_rules* filters = nullptr;  // names they exclude are not visited
};

class tree_walker {
  public:
    tree_walker(const walk_settings& settings, tree_visitor& visitor)
        : settings_(settings), visitor_(visitor) {}

    // Walks the directories `roots` (open; the caller keeps them), path "".
    // Returns false when the visitor stopped the walk.
    bool walk(std::array<int, 2> roots);
    // Opens directory `names[t]` of `parents[t]` in each tree as any directory below is
    // opened, and walks it as `path` (a failure to open goes to the visitor).
    bool walk_below(std::array<int, 2> parents, const std::array<std::string, 2>& names,
                    const std::string& path);

  private:
    bool walk_open(const walk_dir& dir);
    bool list(const walk_dir& dir, std::size_t tree, std::vector<listed_name>& names);
    // `listed` (of tree `tree`) into `name`, stat'ed when the settings ask.
    void describe(const walk_dir& dir, std::size_t tree, listed_name& listed,
                  walk_name& name) const;

    walk_settings settings_;
    tree_visitor& visitor_;
};

}  // namespace uio::fs
