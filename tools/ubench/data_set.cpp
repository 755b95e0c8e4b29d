#include "data_set.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ubench {

namespace {

void write_whole(int fd, const std::byte* data, std::size_t size, const std::string& path) {
    std::size_t done = 0;
    while (done < size) {
        std::size_t chunk = std::min<std::size_t>(size - done, 1 << 20);
        ssize_t n = ::pwrite(fd, data + done, chunk, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail_errno(n < 0 ? errno : EIO, "write '" + path + "'");
        done += static_cast<std::size_t>(n);
    }
}

// Reads the whole file through the page cache (what "hot" means).
void read_whole(const std::string& path, std::span<std::byte> scratch) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "open '" + path + "'");
    off_t offset = 0;
    for (;;) {
        ssize_t n = ::pread(fd, scratch.data(), scratch.size(), offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        offset += n;
    }
    ::close(fd);
}

void fadvise_dontneed(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "open '" + path + "'");
    ::fdatasync(fd);  // only clean pages can be dropped
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

}  // namespace

data_set::data_set(std::string data_path, std::uint64_t size, std::string small_dir,
                   unsigned small_count, std::string cold, bool keep)
    : data_path_(std::move(data_path)),
      size_(size),
      small_dir_(std::move(small_dir)),
      small_count_(small_count),
      cold_(std::move(cold)),
      keep_(keep),
      image_(size) {
    fill_pattern(image_.span(), 0, 0);
    if (!data_file_intact()) write_data_file();
    write_small_files();
    can_drop_ = cold_ != "fadvise" && ::access("/proc/sys/vm/drop_caches", W_OK) == 0;
    if (cold_ != "fadvise" && !can_drop_) {
        notes_.push_back(
            "could not drop caches (not root): cold runs evict file pages with "
            "posix_fadvise(DONTNEED), but the small files' dentries and inodes stay cached");
    }
}

data_set::~data_set() {
    if (keep_) return;
    std::error_code ignored;
    std::filesystem::remove(data_path_, ignored);
    std::filesystem::remove_all(small_dir_, ignored);
}

std::string data_set::cold_method() const {
    if (cold_ == "drop" && can_drop_) return "drop_caches before every cold run";
    if (can_drop_) {
        return "posix_fadvise(DONTNEED) on the data file; drop_caches before small-file runs";
    }
    return "posix_fadvise(DONTNEED) on every file";
}

bool data_set::data_file_intact() const {
    struct stat st {};
    if (::stat(data_path_.c_str(), &st) != 0) return false;
    if (static_cast<std::uint64_t>(st.st_size) != size_) return false;
    // A --keep run left it; fio may have scribbled on it since: compare it all (cheap next
    // to writing it again, and then the page cache is warm too).
    int fd = ::open(data_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    aligned_buffer chunk(1 << 20);
    bool same = true;
    for (std::uint64_t offset = 0; same && offset < size_; offset += 1 << 20) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(1 << 20, size_ - offset));
        same =
            ::pread(fd, chunk.data(), n, static_cast<off_t>(offset)) == static_cast<ssize_t>(n) &&
            std::memcmp(chunk.data(), image_.data() + offset, n) == 0;
    }
    ::close(fd);
    return same;
}

void data_set::write_data_file() {
    int fd = ::open(data_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail_errno(errno, "create '" + data_path_ + "'");
    write_whole(fd, image_.data(), size_, data_path_);
    if (::fdatasync(fd) != 0) fail_errno(errno, "fdatasync '" + data_path_ + "'");
    ::close(fd);
}

void data_set::write_small_files() {
    std::filesystem::create_directories(small_dir_);
    aligned_buffer content(small_file_size);
    for (unsigned i = 0; i < small_count_; ++i) {
        std::string path = small_dir_ + "/" + small_file_name(i);
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && st.st_size == static_cast<off_t>(small_file_size))
            continue;
        fill_pattern(content.span(), 0, 1 + i);
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) fail_errno(errno, "create '" + path + "'");
        write_whole(fd, content.data(), small_file_size, path);
        ::close(fd);
    }
    ::sync();  // written back, so that eviction can drop them
}

void data_set::prepare(const job& work) {
    if (work.mode == cache_mode::buffered_hot) warm(work);
    if (work.mode == cache_mode::buffered_cold) evict(work);
}

void data_set::warm(const job& work) {
    aligned_buffer scratch(1 << 20);
    if (work.kind != workload_kind::small_files) {
        read_whole(data_path_, scratch.span());
        return;
    }
    for (unsigned i = 0; i < small_count_; ++i) read_whole(work.small_path(i), scratch.span());
}

bool data_set::drop_caches() {
    if (!can_drop_) return false;
    int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::write(fd, "3", 1) == 1;
    ::close(fd);
    return ok;
}

void data_set::evict(const job& work) {
    if (work.kind != workload_kind::small_files) {
        fadvise_dontneed(data_path_);
        if (cold_ == "drop") drop_caches();
        return;
    }
    // Opening is part of the work, so dentries and inodes must go too: only drop_caches does
    // that; without it, evict at least the files' pages.
    if (drop_caches()) return;
    for (unsigned i = 0; i < small_count_; ++i) fadvise_dontneed(work.small_path(i));
}

}  // namespace ubench
