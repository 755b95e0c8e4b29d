// The harness compares with lstat and reads contents only after all metadata is compared,
// because reading a file moves its atime under relatime.
#include "ucopy_harness.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace ucopy_test {

command_result sh(const std::string& command) {
    command_result result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed");
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
    int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string q(const std::string& path) {
    std::string out = "'";
    for (char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string ucopy_binary() {
    return q(UCOPY_BINARY);
}

std::string ucopy_testable_binary() {
    return q(UCOPY_TESTABLE_BINARY);
}

bool have_rsync() {
    return sh("command -v rsync >/dev/null").status == 0;
}

long long stat_of(const std::string& output, const std::string& name) {
    const std::string key = "\"" + name + "\":";
    const auto at = output.find(key);
    if (at == std::string::npos) return -1;
    return std::stoll(output.substr(at + key.size()));
}

std::vector<std::string> itemized(const std::string& output, bool sorted) {
    std::vector<std::string> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
        const bool deleting = line.rfind("*deleting   ", 0) == 0;
        if (deleting || (line.size() > 12 && line[11] == ' ' &&
                         std::string(".>ch").find(line[0]) != std::string::npos)) {
            lines.push_back(line);
        }
    }
    if (sorted) std::sort(lines.begin(), lines.end());
    return lines;
}

void write_file(const std::string& path, const std::string& content, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) throw std::runtime_error("cannot create " + path);
    if (::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
        ::close(fd);
        throw std::runtime_error("cannot write " + path);
    }
    ::fchmod(fd, mode);
    ::close(fd);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void set_mtime(const std::string& path, long long seconds, long nanoseconds) {
    timespec times[2] = {{static_cast<time_t>(seconds - 100), 5},
                         {static_cast<time_t>(seconds), nanoseconds}};
    ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

// regular (text, binary, empty, 1 MiB spanning many chunks), a 3 GiB sparse file with three
// data islands, symlinks (relative, absolute, dangling, to a directory), hard links (also
// across directories), a fifo, names with spaces, a newline and UTF-8, 24 levels of nesting,
// a 0700 directory, a read-only file in a read-only directory, a user.* xattr, times with
// nanoseconds.
void build_full_tree(const std::string& root) {
    fs::create_directories(root);
    write_file(root + "/plain.txt", "hello, world\n");
    write_file(root + "/empty", "");
    std::string binary(1 << 20, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>((i * 7919) >> 3);
    write_file(root + "/binary.bin", binary, 0640);
    {
        int fd = ::open((root + "/sparse.img").c_str(), O_WRONLY | O_CREAT, 0644);
        for (long long at : {0LL, 1LL << 30, (3LL << 30) - 4096}) {
            std::string block(4096, static_cast<char>('a' + (at >> 30)));
            if (::pwrite(fd, block.data(), block.size(), at) != 4096)
                throw std::runtime_error("pwrite");
        }
        if (::ftruncate(fd, 3LL << 30) != 0) throw std::runtime_error("ftruncate");
        ::close(fd);
    }
    fs::create_directories(root + "/dir with spaces");
    write_file(root + "/dir with spaces/file with spaces", "spaces\n");
    write_file(root + "/new\nline", "newline\n");
    write_file(root + "/ünïcödé-日本語.txt", "utf-8\n");
    ::symlink("plain.txt", (root + "/link-relative").c_str());
    ::symlink((root + "/plain.txt").c_str(), (root + "/link-absolute").c_str());
    ::symlink("does/not/exist", (root + "/link-dangling").c_str());
    ::symlink("dir with spaces", (root + "/link-to-dir").c_str());
    ::link((root + "/plain.txt").c_str(), (root + "/hard-1").c_str());
    ::link((root + "/plain.txt").c_str(), (root + "/dir with spaces/hard-2").c_str());
    ::mkfifo((root + "/fifo").c_str(), 0620);
    std::string deep = root + "/deep";
    for (int i = 0; i < 24; ++i) deep += "/d" + std::to_string(i);
    fs::create_directories(deep);
    write_file(deep + "/bottom", "bottom\n");
    fs::create_directories(root + "/private");
    write_file(root + "/private/secret", "secret\n", 0600);
    ::chmod((root + "/private").c_str(), 0700);
    fs::create_directories(root + "/readonly-dir");
    write_file(root + "/readonly-dir/readonly", "read only\n", 0444);
    ::setxattr((root + "/plain.txt").c_str(), "user.ucopy", "xattr value", 11, 0);
    ::chown((root + "/binary.bin").c_str(), 1234, 5678);
    set_mtime(root + "/plain.txt", 1'000'000'000, 123'456'789);
    set_mtime(root + "/binary.bin", 1'100'000'000, 1);
    set_mtime(root + "/link-relative", 1'200'000'000, 999'999'999);
    set_mtime(deep, 1'300'000'000, 42);
    ::chmod((root + "/readonly-dir").c_str(), 0555);
    set_mtime(root + "/readonly-dir", 1'400'000'000, 7);
}

namespace {

std::vector<std::string> relative_paths(const std::string& root) {
    std::vector<std::string> paths;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        // Lexically: fs::relative would resolve a symlink entry to where it points.
        paths.push_back(it->path().lexically_relative(root).string());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::map<std::string, std::string> xattrs(const std::string& path) {
    std::map<std::string, std::string> out;
    char names[4096];
    ssize_t n = ::llistxattr(path.c_str(), names, sizeof names);
    for (ssize_t at = 0; at < n; at += static_cast<ssize_t>(std::strlen(names + at)) + 1) {
        char value[4096];
        ssize_t v = ::lgetxattr(path.c_str(), names + at, value, sizeof value);
        out[names + at] = v < 0 ? "?" : std::string(value, static_cast<std::size_t>(v));
    }
    return out;
}

// Contents of the data regions of a file, with their offsets.
std::string data_regions(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return "<unreadable>";
    std::string out;
    off_t end = ::lseek(fd, 0, SEEK_END);
    for (off_t at = 0; at < end;) {
        off_t data = ::lseek(fd, at, SEEK_DATA);
        if (data < 0) break;
        off_t hole = ::lseek(fd, data, SEEK_HOLE);
        std::string chunk(static_cast<std::size_t>(hole - data), '\0');
        ssize_t got = ::pread(fd, chunk.data(), chunk.size(), data);
        chunk.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
        out += std::to_string(data) + ":" + std::to_string(std::hash<std::string>{}(chunk)) + ";";
        at = hole;
    }
    ::close(fd);
    return out;
}

}  // namespace

std::vector<std::string> compare_trees(const std::string& expected, const std::string& actual) {
    std::vector<std::string> diffs;
    auto want = relative_paths(expected), got = relative_paths(actual);
    if (want != got) {
        diffs.push_back("entry lists differ: " + std::to_string(want.size()) + " vs " +
                        std::to_string(got.size()));
        for (const auto& p : got) {
            if (!std::binary_search(want.begin(), want.end(), p)) diffs.push_back("extra: " + p);
        }
        for (const auto& p : want) {
            if (!std::binary_search(got.begin(), got.end(), p)) diffs.push_back("missing: " + p);
        }
        return diffs;
    }
    std::map<ino_t, std::string> want_links, got_links;
    std::vector<std::string> regular;
    for (const std::string& p : want) {
        struct stat a {
        }, b{};
        ::lstat((expected + "/" + p).c_str(), &a);
        ::lstat((actual + "/" + p).c_str(), &b);
        auto differ = [&](const char* what, long long x, long long y) {
            if (x != y) {
                diffs.push_back(p + ": " + what + " " + std::to_string(x) +
                                " != " + std::to_string(y));
            }
        };
        differ("mode", a.st_mode, b.st_mode);
        differ("uid", a.st_uid, b.st_uid);
        differ("gid", a.st_gid, b.st_gid);
        differ("nlink", static_cast<long long>(a.st_nlink), static_cast<long long>(b.st_nlink));
        if (!S_ISDIR(a.st_mode)) differ("size", a.st_size, b.st_size);
        differ("mtime.sec", a.st_mtim.tv_sec, b.st_mtim.tv_sec);
        differ("mtime.nsec", a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);
        if (S_ISREG(a.st_mode)) {
            // Sparse stays sparse: no more than a few blocks beyond what cp allocated.
            if (b.st_blocks > a.st_blocks + 64) differ("blocks", a.st_blocks, b.st_blocks);
            regular.push_back(p);
        }
        if (S_ISLNK(a.st_mode)) {
            char x[4096] = {}, y[4096] = {};
            if (::readlink((expected + "/" + p).c_str(), x, sizeof x - 1) !=
                    ::readlink((actual + "/" + p).c_str(), y, sizeof y - 1) ||
                std::string(x) != y) {
                diffs.push_back(p + ": link target " + x + " != " + y);
            }
        }
        if (!S_ISDIR(a.st_mode) && a.st_nlink > 1) {
            auto [wi, wnew] = want_links.try_emplace(a.st_ino, p);
            auto [gi, gnew] = got_links.try_emplace(b.st_ino, p);
            if (wi->second != gi->second) {
                diffs.push_back(p + ": hard link to " + wi->second + " expected, got " +
                                gi->second);
            }
        }
        if (xattrs(expected + "/" + p) != xattrs(actual + "/" + p)) diffs.push_back(p + ": xattrs");
    }
    for (const std::string& p : regular) {
        if (data_regions(expected + "/" + p) != data_regions(actual + "/" + p)) {
            diffs.push_back(p + ": contents differ");
        }
    }
    return diffs;
}

std::vector<std::string> temp_leftovers(const std::string& root) {
    std::vector<std::string> found;
    for (const std::string& p : relative_paths(root)) {
        if (fs::path(p).filename().string().rfind(".ucopy-", 0) == 0) found.push_back(p);
    }
    return found;
}

void check_same_tree(const std::string& expected, const std::string& actual) {
    std::vector<std::string> diffs = compare_trees(expected, actual);
    for (std::size_t i = 0; i < diffs.size() && i < 20; ++i) UNSCOPED_INFO(diffs[i]);
    CHECK(diffs.empty());
}

}  // namespace ucopy_test
