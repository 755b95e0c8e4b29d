// Directories are finished when their last child is (directory_publication.hpp).
#include "uio/fs/publisher/directory_publication.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace uio::fs {

void directory_publisher::staged(const dir_node& parent, const std::string& stage_name) {
    unpublished_.insert(parent.dst_prefix + stage_name);
}

void directory_publisher::remove_unpublished() {
    for (const std::string& path : unpublished_) remove_tree(AT_FDCWD, path.c_str());
    unpublished_.clear();
}

void directory_publisher::lift_write(dir_node& node) {
    // Root writes anyway; a directory this run made is 0700 until finished.
    if (euid_ == 0 || node.write_lifted || node.fresh || node.dst_fd < 0 || opts_.dry_run ||
        (node.dst_mode & S_IWUSR) != 0) {
        return;
    }
    if (::fchmod(node.dst_fd, (node.dst_mode & 07777) | S_IWUSR) == 0) node.write_lifted = true;
}

void directory_publisher::release(std::shared_ptr<dir_node> node) {
    while (node && --node->pending == 0) {
        if (node->finalize) {
            finalize(*node);
        } else if (opts_.fsync && !opts_.dry_run && node->dst_fd >= 0 &&
                   ::fsync(node->dst_fd) != 0) {
            const int error = errno;
            out_.error(
                "cannot sync directory " + quote(node->dst_prefix) + ": " + std::strerror(error),
                node->src_prefix, node->dst_prefix, error);
        }
        std::shared_ptr<dir_node> parent = std::move(node->parent);
        node = std::move(parent);
    }
}

void directory_publisher::finalize(dir_node& node) {
    // Other shards may still be writing into it: the last shard sets it (shard_finish.hpp).
    if (opts_.dry_run || node.dst_fd < 0 || sharded_) return;
    std::string display = node.dst_prefix.substr(0, node.dst_prefix.size() - 1);
    // A directory several sources hold takes the first one's metadata (merged_sources.hpp).
    if (!node.shadowed) {
        // An existing mirror directory may carry xattrs its source no longer has.
        if (opts_.sync && opts_.preserve.xattr && !node.fresh && node.src_fd >= 0) {
            drop_other_xattrs(node.src_fd, node.dst_fd);
        }
        apply_metadata_fd(meta_, node.dst_fd, node.src_fd, node.st, display);
        node.write_lifted = false;  // its mode is the source's now
    } else if (opts_.preserve.timestamps && !node.fresh) {
        ::futimens(node.dst_fd, node.dst_times);  // the earlier source's, moved by our writes
    }
    if (opts_.fsync && ::fsync(node.dst_fd) != 0) {
        const int error = errno;
        out_.error("cannot sync directory " + quote(display) + ": " + std::strerror(error),
                   node.src_prefix, display, error);
    }
    if (!node.stage_name.empty()) publish(node);
}

// The top of a staging tree is complete: one rename shows all of it under its final name.
// RENAME_NOREPLACE: a name that appeared meanwhile is not ours to replace.
void directory_publisher::publish(dir_node& node) {
    const int parent_fd = node.parent->dst_fd;
    unpublished_.erase(node.parent->dst_prefix + node.stage_name);
    if (::renameat2(parent_fd, node.stage_name.c_str(), parent_fd, node.name.c_str(),
                    RENAME_NOREPLACE) == 0) {
        return;
    }
    const int error = errno;
    std::string display = node.dst_prefix.substr(0, node.dst_prefix.size() - 1);
    out_.error("cannot create directory " + quote(display) + ": " + std::strerror(error),
               node.src_prefix, display, error);
    remove_tree(parent_fd, node.stage_name.c_str());
}

}  // namespace uio::fs
