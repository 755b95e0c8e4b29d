// The blocking walk: one directory's names at a time, listed, stat'ed, ordered and merged,
// then visited; a subdirectory is walked in line (depth first) when the visitor asks.
#include "uio/fs/walker/tree_walker.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "uio/fs/report.hpp"
#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

void tree_visitor::enter(const walk_dir&) {}
void tree_visitor::leave(const walk_dir&) {}

int open_walk_dir(int parent_fd, const std::string& name) {
    return ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

std::string failure_message(const walk_failure& failure, const std::string& shown) {
    return std::string("cannot ") + failure.what + " " + quote(shown) + ": " +
           std::strerror(failure.error);
}

namespace {

std::string walk_path(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "/" + name;
}

bool name_before(const walk_name& a, const walk_name& b) {
    return a.name < b.name;
}

// Two sorted listings as one: each name once, with what each tree holds.
std::vector<walk_name> merge_listings(std::vector<walk_name> a, std::vector<walk_name> b) {
    std::vector<walk_name> out;
    out.reserve(std::max(a.size(), b.size()));
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) {
            out.push_back(std::move(a[i++]));
        } else if (i == a.size() || b[j].name < a[i].name) {
            out.push_back(std::move(b[j++]));
        } else {
            walk_name both = std::move(a[i++]);
            const walk_name& second = b[j++];
            both.in[1] = true;
            both.is_dir[1] = second.is_dir[1];
            both.st[1] = second.st[1];
            both.stat_error[1] = second.stat_error[1];
            out.push_back(std::move(both));
        }
    }
    return out;
}

}  // namespace

bool tree_walker::list(const walk_dir& dir, std::size_t tree, std::vector<walk_name>& names) {
    int error = 0;
    for (listed_name& listed : list_directory(dir.fd[tree], error)) {
        walk_name& n = names.emplace_back();
        n.name = std::move(listed.name);
        n.path = walk_path(dir.path, n.name);
        n.in[tree] = true;
        n.is_dir[tree] = listed.is_dir;
        if (!settings_.stat) continue;
        if (::fstatat(dir.fd[tree], n.name.c_str(), &n.st[tree], AT_SYMLINK_NOFOLLOW) == 0) {
            n.is_dir[tree] = S_ISDIR(n.st[tree].st_mode);
        } else {
            n.stat_error[tree] = errno;
        }
    }
    if (error != 0) {
        visitor_.unreadable({"read directory", tree, dir.path, error});
        return false;
    }
    if (settings_.sorted || settings_.list_second)
        std::sort(names.begin(), names.end(), name_before);
    return true;
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
    std::vector<walk_name> names, second;
    const bool listed = list(dir, 0, names) && (!settings_.list_second || list(dir, 1, second));
    if (!listed) {
        visitor_.leave(dir);
        return true;
    }
    if (settings_.list_second) names = merge_listings(std::move(names), std::move(second));
    const filter_rules* filters = settings_.filters;
    for (const walk_name& name : names) {
        const bool is_dir = name.in[0] ? name.is_dir[0] : name.is_dir[1];
        if (filters && !filters->empty() && filters->excluded(name.path, is_dir)) continue;
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
