// Each deletion opens its parent below the mirror's root with RESOLVE_BENEATH and
// RESOLVE_NO_SYMLINKS: a directory swapped for a symlink since the walk cannot make a
// deletion land outside the destination.
#include "deletion_plan.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sync_check.hpp"

namespace ucopy {

namespace {

int open_beneath(int root_fd, const std::string& relative) {
    if (relative.empty()) return ::fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    open_how how{};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how));
}

}  // namespace

std::vector<deletion_plan::extraneous> deletion_plan::find(
    int dst_fd, const std::string& relative, const std::vector<std::string>& source_names,
    const filter_rules& filters, bool delete_excluded, const std::string& protected_relative,
    int& error) {
    std::vector<extraneous> found;
    for (listed_name& listed : list_directory(dst_fd, error)) {
        if (is_temp_name(listed.name) ||
            std::binary_search(source_names.begin(), source_names.end(), listed.name)) {
            continue;
        }
        std::string path = relative + listed.name;
        if (path == protected_relative) continue;
        if (!delete_excluded && filters.excluded(path, listed.is_dir)) continue;
        found.push_back({std::move(path), listed.is_dir});
    }
    return found;
}

void deletion_plan::add(const std::shared_ptr<dir_node>& root, const struct stat& source_dir,
                        std::vector<extraneous> found) {
    for (extraneous& e : found) {
        entries_.push_back({root, {source_dir.st_atim, source_dir.st_mtim}, std::move(e)});
    }
}

deletion_plan::outcome deletion_plan::execute(backup_store* backup, std::uint64_t limit,
                                              bool dry_run, bool restore_times) const {
    outcome result;
    for (const planned& p : entries_) {
        if (result.deleted == limit) {
            result.errors.push_back("--max-delete " + std::to_string(limit) +
                                    " reached: " + std::to_string(entries_.size() - limit) +
                                    " more entries not deleted");
            break;
        }
        const std::string shown = p.what.relative + (p.what.is_dir ? "/" : "");
        if (!dry_run) {
            const std::size_t slash = p.what.relative.rfind('/');
            const std::string parent =
                slash == std::string::npos ? std::string() : p.what.relative.substr(0, slash);
            const std::string name = p.what.relative.substr(slash + 1);
            int fd = open_beneath(p.root->dst_fd, parent);
            int rc = fd < 0              ? errno
                     : backup != nullptr ? backup->store(fd, name, p.what.relative, false)
                                         : remove_tree(fd, name.c_str());
            // The directory was finished (its times set) before the copy ended.
            if (fd >= 0 && restore_times) ::futimens(fd, p.dir_times);
            if (fd >= 0) ::close(fd);
            if (rc != 0 && rc != ENOENT) {
                result.errors.push_back("cannot delete " + quote(p.root->dst_prefix + shown) +
                                        ": " + std::strerror(rc));
                continue;
            }
        }
        ++result.deleted;
        result.lines.push_back(itemize_deletion(shown));
    }
    return result;
}

}  // namespace ucopy
