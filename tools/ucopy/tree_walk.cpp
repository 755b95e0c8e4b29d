// Blocking halves of the walk, kept off the loop by the engine (offload).
#include "tree_walk.hpp"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace ucopy {

dir_node::~dir_node() {
    if (src_fd >= 0) ::close(src_fd);
    if (dst_fd >= 0) ::close(dst_fd);
}

dir_reader::dir_reader(int dir_fd) {
    int copy = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        error_ = errno;
        return;
    }
    dir_ = ::fdopendir(copy);
    if (!dir_) {
        error_ = errno;
        ::close(copy);
        return;
    }
    ::rewinddir(dir_);  // the duplicate shares the offset of a descriptor read before
}

dir_reader::~dir_reader() {
    if (dir_) ::closedir(dir_);
}

std::vector<raw_entry> dir_reader::next_batch(std::size_t max, int src_fd, int dst_fd,
                                              bool follow) {
    std::vector<raw_entry> batch;
    if (!dir_) return batch;
    batch.reserve(max);
    while (batch.size() < max) {
        errno = 0;
        dirent* d = ::readdir(dir_);
        if (!d) {
            read_error_ = errno;
            break;
        }
        std::string_view name = d->d_name;
        if (name == "." || name == "..") continue;
        raw_entry& e = batch.emplace_back();
        e.name = name;
        if (::fstatat(src_fd, d->d_name, &e.st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
            e.error = errno;
            e.failed = "stat";
            continue;
        }
        if (S_ISLNK(e.st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = ::readlinkat(src_fd, d->d_name, target, sizeof target);
            if (n < 0) {
                e.error = errno;
                e.failed = "read symbolic link";
                continue;
            }
            e.link_target.assign(target, static_cast<std::size_t>(n));
        }
        if (dst_fd >= 0) {
            e.dst_exists = ::fstatat(dst_fd, d->d_name, &e.dst_st, AT_SYMLINK_NOFOLLOW) == 0;
        }
    }
    return batch;
}

std::string temp_name() {
    static unsigned long long counter = 0;
    char text[64];
    std::snprintf(text, sizeof text, ".ucopy-%x-%llx.tmp", static_cast<unsigned>(::getpid()),
                  ++counter);
    return text;
}

bool is_temp_name(std::string_view name) {
    constexpr std::string_view head = ".ucopy-", tail = ".tmp";
    if (name.size() <= head.size() + tail.size() || name.substr(0, head.size()) != head ||
        name.substr(name.size() - tail.size()) != tail) {
        return false;
    }
    std::string_view middle = name.substr(head.size(), name.size() - head.size() - tail.size());
    std::size_t dash = middle.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == middle.size()) return false;
    for (std::size_t i = 0; i < middle.size(); ++i) {
        char c = middle[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (!hex && i != dash) return false;
    }
    return true;
}

void remove_stale_temps(int dst_fd) {
    dir_reader reader(dst_fd);
    for (;;) {
        std::vector<raw_entry> batch = reader.next_batch(256, dst_fd, -1, false);
        if (batch.empty()) break;
        for (const raw_entry& e : batch) {
            if (e.error == 0 && !S_ISDIR(e.st.st_mode) && is_temp_name(e.name)) {
                ::unlinkat(dst_fd, e.name.c_str(), 0);
            }
        }
    }
}

}  // namespace ucopy
