// Parents inside the backup directory are made one component at a time with O_NOFOLLOW, so
// a symlink planted there cannot redirect a backup outside it.
#include "uio/fs/publisher/backup_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

namespace {

// A directory made in the backup gets its original's mode and owner, as with rsync (its times
// are when it was made), but stays writable by its owner so later backups can go into it;
// best effort: a backup is not refused for them.
void copy_directory_attributes(int origin_dir_fd, std::size_t levels_up, int made_fd) {
    std::string path = ".";
    for (std::size_t i = 0; i < levels_up; ++i) path += "/..";
    struct stat original {};
    if (::fstatat(origin_dir_fd, path.c_str(), &original, 0) != 0) return;
    if (::fchown(made_fd, original.st_uid, original.st_gid) != 0) {
        // not permitted (not root): the mode alone
    }
    ::fchmod(made_fd, (original.st_mode & 07777) | S_IRWXU);
}

}  // namespace

backup_store::backup_store(std::string dir) : dir_(std::move(dir)) {}

backup_store::~backup_store() {
    if (fd_ >= 0) ::close(fd_);
}

int backup_store::open_parent(const std::string& relative, int origin_dir_fd) {
    if (fd_ < 0) {
        std::error_code ec;
        std::filesystem::create_directories(dir_, ec);
        fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd_ < 0) return -errno;
    }
    int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return -errno;
    // The parents `relative` names, for each one made: how far up from `origin_dir_fd` its
    // original is ("..", "../.."; "." for the last).
    std::size_t parents = 0;
    for (char c : relative) parents += c == '/';
    std::size_t at = 0;
    for (std::size_t slash; (slash = relative.find('/', at)) != std::string::npos; at = slash + 1) {
        const std::string part = relative.substr(at, slash - at);
        --parents;
        if (part.empty()) continue;
        const bool made = ::mkdirat(fd, part.c_str(), 0700) == 0;
        if (!made && errno != EEXIST) {
            int error = errno;
            ::close(fd);
            return -error;
        }
        int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int error = errno;
        ::close(fd);
        if (next < 0) return -error;
        fd = next;
        if (made) copy_directory_attributes(origin_dir_fd, parents, fd);
    }
    return fd;
}

int backup_store::store(int dir_fd, const std::string& name, const std::string& relative,
                        bool keep_original) {
    int parent = open_parent(relative, dir_fd);
    if (parent < 0) return -parent;
    const std::string base = relative.substr(relative.rfind('/') + 1);
    remove_tree(parent, base.c_str());  // an older backup of the same path
    int rc = keep_original ? ::linkat(dir_fd, name.c_str(), parent, base.c_str(), 0)
                           : ::renameat(dir_fd, name.c_str(), parent, base.c_str());
    int error = rc == 0 ? 0 : errno;
    ::close(parent);
    return error;
}

}  // namespace uio::fs
