// Each question costs an lstat or a directory listing per other source, asked once per
// directory (earlier_names) or per planned deletion (held_elsewhere), and only when several
// sources share one mirror.
#include "uio/fs/walker/merged_sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

merged_sources::merged_sources(const std::vector<copy_root>& roots, bool sync) {
    if (!sync || roots.size() < 2) return;
    roots_ = roots;
    for (const copy_root& root : roots_) {
        const std::string name = base_name(root.destination);
        prefixes_.push_back(name == "." ? std::string() : name);
    }
}

std::string merged_sources::in_dst(std::size_t k, const std::string& relative) const {
    std::string path = prefixes_[k].empty() ? relative : prefixes_[k] + "/" + relative;
    while (!path.empty() && path.back() == '/') path.pop_back();
    return path;
}

std::optional<std::string> merged_sources::source_path(std::size_t j, const std::string& path,
                                                       std::string* below) const {
    const std::string& prefix = prefixes_[j];
    std::string rest;
    if (prefix.empty()) {
        rest = path;
    } else if (path == prefix) {
        rest.clear();
    } else if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
               path[prefix.size()] == '/') {
        rest = path.substr(prefix.size() + 1);
    } else {
        return std::nullopt;
    }
    if (below) *below = rest;
    return rest.empty() ? roots_[j].source : roots_[j].source + "/" + rest;
}

std::optional<bool> merged_sources::earlier_holds(std::size_t k, const std::string& path) const {
    for (std::size_t j = 0; j < k && j < roots_.size(); ++j) {
        const std::optional<std::string> source = source_path(j, path, nullptr);
        if (!source) continue;
        struct stat st {};
        const bool follow = roots_[j].follow && *source == roots_[j].source;
        if ((follow ? ::stat(source->c_str(), &st) : ::lstat(source->c_str(), &st)) == 0) {
            return S_ISDIR(st.st_mode);
        }
    }
    return std::nullopt;
}

std::unordered_map<std::string, bool> merged_sources::earlier_names(
    std::size_t k, const std::string& dir, const filter_rules& filters) const {
    std::unordered_map<std::string, bool> names;
    for (std::size_t j = 0; j < k && j < roots_.size(); ++j) {
        if (dir.empty() && !prefixes_[j].empty()) {
            names.try_emplace(prefixes_[j], S_ISDIR(roots_[j].st.st_mode));
            continue;
        }
        std::string below;
        const std::optional<std::string> source = source_path(j, dir, &below);
        if (!source) continue;
        const int fd = ::open(source->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) continue;
        int error = 0;
        for (listed_name& listed : list_directory(fd, error)) {
            const std::string relative = below.empty() ? listed.name : below + "/" + listed.name;
            if (walk_excludes(&filters, relative, listed.is_dir)) continue;
            names.try_emplace(std::move(listed.name), listed.is_dir);
        }
        ::close(fd);
    }
    return names;
}

bool merged_sources::held_elsewhere(std::size_t k, const std::string& path, bool is_dir,
                                    const filter_rules& filters, bool delete_excluded) const {
    for (std::size_t j = 0; j < roots_.size(); ++j) {
        if (j == k) continue;
        std::string below;
        const std::optional<std::string> source = source_path(j, path, &below);
        if (!source) continue;
        if (below.empty()) return true;  // source j's own top
        struct stat st {};
        const bool exists = ::lstat(source->c_str(), &st) == 0;
        if (!exists && errno != ENOENT && errno != ENOTDIR) return true;  // cannot tell: keep
        const bool excluded =
            !filters.empty() && filters.excluded(below, exists ? S_ISDIR(st.st_mode) : is_dir);
        if (exists ? !(excluded && delete_excluded) : (excluded && !delete_excluded)) return true;
    }
    return false;
}

}  // namespace uio::fs
