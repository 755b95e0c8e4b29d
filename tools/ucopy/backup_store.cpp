// Parents inside the backup directory are made one component at a time with O_NOFOLLOW, so
// a symlink planted there cannot redirect a backup outside it.
#include "backup_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "tree_walk.hpp"

namespace ucopy {

backup_store::backup_store(std::string dir) : dir_(std::move(dir)) {}

backup_store::~backup_store() {
    if (fd_ >= 0) ::close(fd_);
}

int backup_store::open_parent(const std::string& relative) {
    if (fd_ < 0) {
        std::error_code ec;
        std::filesystem::create_directories(dir_, ec);
        fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd_ < 0) return -errno;
    }
    int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return -errno;
    std::size_t at = 0;
    for (std::size_t slash; (slash = relative.find('/', at)) != std::string::npos; at = slash + 1) {
        const std::string part = relative.substr(at, slash - at);
        if (part.empty()) continue;
        if (::mkdirat(fd, part.c_str(), 0700) != 0 && errno != EEXIST) {
            int error = errno;
            ::close(fd);
            return -error;
        }
        int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int error = errno;
        ::close(fd);
        if (next < 0) return -error;
        fd = next;
    }
    return fd;
}

int backup_store::store(int dir_fd, const std::string& name, const std::string& relative,
                        bool keep_original) {
    int parent = open_parent(relative);
    if (parent < 0) return -parent;
    const std::string base = relative.substr(relative.rfind('/') + 1);
    remove_tree(parent, base.c_str());  // an older backup of the same path
    int rc = keep_original ? ::linkat(dir_fd, name.c_str(), parent, base.c_str(), 0)
                           : ::renameat(dir_fd, name.c_str(), parent, base.c_str());
    int error = rc == 0 ? 0 : errno;
    ::close(parent);
    return error;
}

}  // namespace ucopy
