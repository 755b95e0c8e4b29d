// Decided before any I/O starts: a handful of stat calls per command-line argument.
#include "uio/fs/planner/copy_plan.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace uio::fs {

namespace {

std::string strip_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

bool inside(const std::string& destination, const std::string& source) {
    std::error_code ec;
    auto src = std::filesystem::weakly_canonical(source, ec).string();
    if (ec) return false;
    auto dst = std::filesystem::weakly_canonical(destination, ec).string();
    if (ec) return false;
    return dst == src || (dst.size() > src.size() && dst.compare(0, src.size(), src) == 0 &&
                          (dst[src.size()] == '/' || src == "/"));
}

bool ends_in_slash(const std::string& path) {
    return !path.empty() && path.back() == '/';
}

// --sync: whether DST is the directory the sources go into (rsync's rule), which is
// whenever it is not the copy of one file or of one "SRC/": several sources, "DST/", or a
// directory named without a trailing slash (it goes into DST/its name, on every run).
bool sync_needs_directory(const options& opts) {
    if (opts.sources.size() > 1) return true;
    // One "SRC/": DST itself is SRC's copy, made by the walk (so -i says it was created).
    const std::string& source = opts.sources.front();
    if (ends_in_slash(source)) return false;
    if (ends_in_slash(opts.destination)) return true;
    struct stat st {};
    const bool follow = opts.dereference || !opts.recursive;
    const int rc = follow ? ::stat(source.c_str(), &st) : ::lstat(source.c_str(), &st);
    return rc == 0 && S_ISDIR(st.st_mode);
}

// cp's rule for a file's destination that is a symlink, device, FIFO or socket: write
// through the link (its target is then the file replaced), into the stream (kept). Not for
// --sync: a mirror's entry takes the source's type. False (after an error) when refused.
bool resolve_file_destination(const options& opts, copy_root& root, report& out) {
    struct stat st {};
    if (opts.sync || !S_ISREG(root.st.st_mode) || ::lstat(root.destination.c_str(), &st) != 0 ||
        S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
        return true;
    }
    try {
        uio::output_target target = uio::resolve_output(root.destination);
        if (target.how == uio::output_target::kind::replace) {
            root.destination = target.path;
        } else {
            root.stream = std::move(target);
        }
        return true;
    } catch (const std::system_error& e) {
        out.error(e, root.source, root.destination);
        return false;
    }
}

}  // namespace

std::string base_name(const std::string& path) {
    std::string p = strip_trailing_slashes(path);
    if (p == "/") return p;
    std::size_t slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string dir_prefix(const std::string& path) {
    std::string p = strip_trailing_slashes(path);
    std::size_t slash = p.rfind('/');
    return slash == std::string::npos ? std::string() : p.substr(0, slash + 1);
}

std::vector<copy_root> plan_copies(const options& opts, report& out) {
    std::vector<copy_root> roots;
    struct stat dst_st {};
    const bool dst_exists = ::stat(opts.destination.c_str(), &dst_st) == 0;
    bool dst_is_dir = dst_exists && S_ISDIR(dst_st.st_mode);
    if (opts.sync && !dst_exists && !opts.sources.empty() && sync_needs_directory(opts)) {
        // rsync makes the last component of DST; a dry run only pretends to.
        if (!opts.dry_run && ::mkdir(opts.destination.c_str(), 0777) != 0 && errno != EEXIST) {
            const int error = errno;
            out.error(
                "cannot create directory " + quote(opts.destination) + ": " + std::strerror(error),
                {}, opts.destination, error);
            return roots;
        }
        dst_is_dir = true;
    }
    if (opts.sources.size() > 1 && !dst_is_dir) {
        out.error("target " + quote(opts.destination) + " is not a directory", {},
                  opts.destination);
        return roots;
    }
    for (const std::string& source : opts.sources) {
        copy_root root;
        root.source = strip_trailing_slashes(source);
        // rsync's habit under --sync: "SRC/" is SRC's contents, as "SRC/." is for cp.
        if (opts.sync && root.source.size() < source.size() && root.source != "/") {
            root.source += "/.";
        }
        root.follow = opts.dereference || !opts.recursive;
        int rc = root.follow ? ::stat(root.source.c_str(), &root.st)
                             : ::lstat(root.source.c_str(), &root.st);
        if (rc != 0) {
            const int error = errno;
            out.error("cannot stat " + quote(source) + ": " + std::strerror(error), source, {},
                      error);
            continue;
        }
        if (S_ISDIR(root.st.st_mode) && !opts.recursive) {
            out.error("-r not specified; omitting directory " + quote(source), source);
            continue;
        }
        if (dst_is_dir) {
            std::string dst = strip_trailing_slashes(opts.destination);
            root.destination = (dst == "/" ? dst : dst + "/") + base_name(root.source);
        } else {
            root.destination = opts.destination;
        }
        if (S_ISDIR(root.st.st_mode) && inside(root.destination, root.source)) {
            out.error("cannot copy a directory, " + quote(source) + ", into itself, " +
                          quote(root.destination),
                      source, root.destination);
            continue;
        }
        struct stat existing {};
        if (::stat(root.destination.c_str(), &existing) == 0 && existing.st_dev == root.st.st_dev &&
            existing.st_ino == root.st.st_ino) {
            out.error(quote(source) + " and " + quote(root.destination) + " are the same file",
                      source, root.destination);
            continue;
        }
        if (!resolve_file_destination(opts, root, out)) continue;
        roots.push_back(std::move(root));
    }
    return roots;
}

}  // namespace uio::fs
