// deletion_order: the order rsync deletes (and itemizes, "*deleting   name") the entries of
// one directory, and of a whole tree it removes. rsync keeps a directory's files before its
// subdirectories, each group sorted by name (bytes), and deletes that list backwards: the
// subdirectories first, last name first, each one's contents before itself; then the files,
// last name first. So a removed tree is listed deepest first, its root last.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

// Sorts one directory's entries into rsync's deletion order.
template <typename Entry, typename IsDir, typename Name>
void sort_for_deletion(std::vector<Entry>& entries, IsDir is_dir, Name name) {
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
        if (is_dir(a) != is_dir(b)) return is_dir(a);
        return name(b) < name(a);
    });
}

// The paths below `relative` (the directory `name` beneath `dir_fd`, "a/b" without a trailing
// '/') in deletion order, directories with a trailing '/', `relative` + "/" itself last
// (blocking; never follows symlinks). `error`: 0, or the errno value of a directory that
// could not be listed (what could be listed is returned).
std::vector<std::string> tree_in_deletion_order(int dir_fd, const std::string& name,
                                                const std::string& relative, int& error);

}  // namespace uio::fs
