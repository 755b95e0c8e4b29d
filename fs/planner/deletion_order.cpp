// Listing a tree before it is removed costs one directory read per directory: done only
// when the entries are shown (-i) or counted (--max-delete). The tree's root is opened
// beneath the mirror's root without following symlinks, as the deletions themselves are.
#include "uio/fs/planner/deletion_order.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace uio::fs {

namespace {

// Lists the open directory `fd` (and closes it) below `relative`.
void list_below(int fd, const std::string& relative, std::vector<std::string>& out, int& error) {
    if (fd < 0) {
        if (error == 0) error = errno;
        out.push_back(relative + "/");
        return;
    }
    int list_error = 0;
    std::vector<listed_name> children = list_directory(fd, list_error);
    if (list_error != 0 && error == 0) error = list_error;
    sort_for_deletion(
        children, [](const listed_name& n) { return n.is_dir; },
        [](const listed_name& n) -> const std::string& { return n.name; });
    for (const listed_name& child : children) {
        const std::string path = relative + "/" + child.name;
        if (child.is_dir) {
            list_below(
                ::openat(fd, child.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
                path, out, error);
        } else {
            out.push_back(path);
        }
    }
    ::close(fd);
    out.push_back(relative + "/");
}

}  // namespace

std::vector<std::string> tree_in_deletion_order(int dir_fd, const std::string& name,
                                                const std::string& relative, int& error) {
    std::vector<std::string> out;
    error = 0;
    open_how how{};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const int fd = static_cast<int>(::syscall(SYS_openat2, dir_fd, name.c_str(), &how, sizeof how));
    list_below(fd, relative, out, error);
    return out;
}

}  // namespace uio::fs
