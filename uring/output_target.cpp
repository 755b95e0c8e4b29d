// output_target: following a destination's symlinks one at a time (each link's text
// resolved against its own directory), stopping at a descriptor's name or at what is there.
#include "uio/uring/output_target.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string_view>
#include <system_error>

namespace uio {

namespace {

[[noreturn]] void refuse(int error, const std::string& path, const std::string& why = "") {
    throw std::system_error(error, std::generic_category(),
                            why.empty() ? "cannot write '" + path + "'" : why);
}

// N when `text` is exactly a decimal number.
int number(std::string_view text) {
    int n = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    return ec == std::errc{} && end == text.data() + text.size() && n >= 0 ? n : -1;
}

std::string directory_of(const std::string& path) {
    std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

int descriptor_named(const std::string& path) {
    std::string_view p = path;
    for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"}) {
        if (p.starts_with(prefix)) return number(p.substr(prefix.size()));
    }
    const std::string own = "/proc/" + std::to_string(::getpid()) + "/fd/";
    if (p.starts_with(own)) return number(p.substr(own.size()));
    return -1;
}

int open_output_stream(const output_target& target) {
    int fd = target.how == output_target::kind::descriptor
                 ? ::fcntl(target.fd, F_DUPFD_CLOEXEC, 0)
                 : ::open(target.path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

output_target resolve_output(const std::string& path) {
    std::string current = path;
    // The kernel's own limit on links followed in one lookup.
    for (int hops = 0; hops <= 40; ++hops) {
        if (int fd = descriptor_named(current); fd >= 0) {
            return {output_target::kind::descriptor, current, fd};
        }
        struct stat st {};
        if (::lstat(current.c_str(), &st) != 0) {
            if (errno == ENOENT && hops > 0) {
                refuse(ENOENT, path, "not writing through dangling symlink '" + path + "'");
            }
            if (errno == ENOENT) return {output_target::kind::replace, current, -1};
            refuse(errno, path);
        }
        if (S_ISREG(st.st_mode)) return {output_target::kind::replace, current, -1};
        if (S_ISDIR(st.st_mode)) refuse(EISDIR, path);
        if (!S_ISLNK(st.st_mode)) return {output_target::kind::write_in_place, current, -1};
        char text[PATH_MAX];
        const ssize_t n = ::readlink(current.c_str(), text, sizeof text - 1);
        if (n < 0) refuse(errno, path);
        std::string target(text, static_cast<std::size_t>(n));
        current = target.starts_with('/') ? target : directory_of(current) + "/" + target;
    }
    refuse(ELOOP, path);
}

}  // namespace uio
