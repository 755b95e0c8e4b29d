// The blocking walk: one directory's names at a time, listed, ordered and merged, each
// stat'ed as it is visited; a subdirectory is walked in line (depth first) when the visitor asks.
#include "uio/fs/walker/tree_walker.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

void tree_visitor::enter(const walk_dir&) {}
void tree_visitor::leave(const walk_dir&) {}

namespace {

std::string walk_path(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "/" + name;
}

bool name_before(const listed_name& a, const listed_name& b) {
    return a.name < b.name;
}

}  // namespace

bool tree_walker::list(const walk_dir& dir, std::size_t tree, std::vector<listed_name>& names) {
    int error = 0;
    names = list_directory(dir.fd[tree], error);
    if (error != 0) {
        visitor_.unreadable({"read directory", tree, dir.path, error});
        return false;
    }
    if (settings_.sorted || settings_.list_second) {
        std::sort(names.begin(), names.end(), name_before);
    }
    return true;
}

void tree_walker::describe(const walk_dir& dir, std::size_t tree, listed_name& listed,
                           walk_name& name) const {
    name.in[tree] = true;
    name.is_dir[tree] = listed.is_dir;
    if (!settings_.stat) return;
    name.stat_error[tree] = stat_name(dir.fd[tree], listed.name.c_str(), false, name.st[tree]);
    if (name.stat_error[tree] == 0) name.is_dir[tree] = S_ISDIR(name.st[tree].st_mode);
}

bool tree_walker::walk(std::array<int, 2> roots) {
    static const std::string top;
    return walk_open({top, roots});
}

bool tree_walker::walk_below(std::array<int, 2> parents, const std::array<std::string, 2>& names,
                             const std::string& path) {
    fd_holder first{open_walk_dir(parents[0], names[0])};
    if (first.fd < 0) {
        visitor_.unreadable({"open directory", 0, path, errno});
        return true;
    }
    fd_holder second;
    if (settings_.second_tree) {
        second.fd = open_walk_dir(parents[1], names[1]);
        if (second.fd < 0) {
            visitor_.unreadable({"open directory", 1, path, errno});
            return true;
        }
    }
    return walk_open({path, {first.fd, second.fd}});
}

bool tree_walker::walk_open(const walk_dir& dir) {
    visitor_.enter(dir);
    // Names only until visited: a name is stat'ed just before its visit, so a directory of
    // a million names costs its listing's memory, not a million stats held at once.
    std::vector<listed_name> first, second;
    const bool listed = list(dir, 0, first) && (!settings_.list_second || list(dir, 1, second));
    if (!listed) {
        visitor_.leave(dir);
        return true;
    }
    const filter_rules* filters = settings_.filters;
    std::size_t i = 0, j = 0;
    while (i < first.size() || j < second.size()) {
        // The two sorted listings as one: each name once, with what each tree holds.
        walk_name name;
        const bool from_first =
            j == second.size() || (i < first.size() && !(second[j].name < first[i].name));
        const bool from_second =
            i == first.size() || (j < second.size() && !(first[i].name < second[j].name));
        if (from_first) describe(dir, 0, first[i], name);
        if (from_second) describe(dir, 1, second[j], name);
        name.name = std::move(from_first ? first[i].name : second[j].name);
        i += from_first;
        j += from_second;
        name.path = walk_path(dir.path, name.name);
        const bool is_dir = name.in[0] ? name.is_dir[0] : name.is_dir[1];
        if (walk_excludes(filters, name.path, is_dir)) continue;
        const tree_visitor::step next = visitor_.visit(dir, name);
        if (next == tree_visitor::step::stop) return false;
        if (next != tree_visitor::step::descend || !name.is_dir[0]) continue;
        if (settings_.list_second && !name.is_dir[1]) continue;
        if (!walk_below(dir.fd, {name.name, name.name}, name.path)) return false;
    }
    visitor_.leave(dir);
    return true;
}

}  // namespace uio::fs
