// backup_store: --backup-dir. Entries that --sync replaces or deletes are kept there under
// their path relative to the destination, instead of lost (rsync's --backup --backup-dir).
// A replaced file is hard-linked there before the new version is renamed over it, so its
// name never disappears from the destination; a deleted entry is renamed there. Both need
// the backup directory on the destination's file system (EXDEV otherwise). Blocking: run on
// the thread pool, one call at a time.
#pragma once

#include <string>

namespace uio::fs {

class backup_store {
  public:
    // `dir`: as given; made (with its parents) on first use.
    explicit backup_store(std::string dir);
    ~backup_store();
    backup_store(const backup_store&) = delete;
    backup_store& operator=(const backup_store&) = delete;

    const std::string& dir() const noexcept { return dir_; }
    // Link (`keep_original`) or move `name` in `dir_fd` to DIR/`relative`, replacing an older
    // backup there. Returns 0 or an errno value.
    int store(int dir_fd, const std::string& name, const std::string& relative, bool keep_original);

  private:
    // A descriptor of DIR/`relative`'s parent, or -errno; the directories it makes take the
    // mode and owner of their originals, `origin_dir_fd` being `relative`'s parent in DST.
    int open_parent(const std::string& relative, int origin_dir_fd);

    std::string dir_;
    int fd_ = -1;
};

}  // namespace uio::fs
