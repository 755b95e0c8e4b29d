#include "uio/db/etl/detail/atomic_output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "uio/core/offload.hpp"
#include "uio/uring/operations.hpp"
#include "uio/uring/output_target.hpp"
#include "uio/uring/temp_name.hpp"

namespace uio::etl {

namespace {

[[noreturn]] void cannot_write(int error, const std::string& shown) {
    throw std::system_error(error, std::generic_category(), "cannot write '" + shown + "'");
}

// The current position of a stream, for io_uring's read and write.
constexpr std::uint64_t stream_position = static_cast<std::uint64_t>(-1);

}  // namespace

task<atomic_output_file> atomic_output_file::create(std::string final_path, bool durable) {
    const bool standard_output = final_path == "-";
    const std::string shown = standard_output ? "standard output" : final_path;
    output_target target = standard_output
                               ? output_target{output_target::kind::descriptor, "-", STDOUT_FILENO}
                               : resolve_output(final_path);
    if (target.how == output_target::kind::replace) {
        co_return co_await create_temporary(shown, std::move(target.path), durable);
    }
    // On the pool: a FIFO's open waits for its reader.
    auto open_stream = [&target] { return open_output_stream(target); };
    int fd = co_await uio::offload(open_stream);
    if (fd < 0) cannot_write(-fd, shown);
    co_return atomic_output_file(file(fd, shown), "", shown, durable, registered_temporary{});
}

task<atomic_output_file> atomic_output_file::create_temporary(std::string shown, std::string target,
                                                              bool durable) {
    std::filesystem::path p(target);
    std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    // What a killed export left here goes before this one adds its own (on the pool: a
    // readdir of a large directory would hold up the loop's other work).
    auto sweep = [&dir] { remove_stale_temp_files(dir); };
    co_await uio::offload(sweep);
    // O_EXCL: never follows or clobbers something already there (a killed run's leftover
    // under a recycled pid: the next name is free).
    for (int attempt = 0;; ++attempt) {
        std::string temp = dir + "/" + temp_name();
        // Registered before it exists: a signal between the open and a later registration
        // would leave the file behind. (A leftover under this name that the open then finds,
        // a signal in between removes: the sweep would have.)
        registered_temporary registration(temp);
        int fd = co_await uio::openat(AT_FDCWD, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            co_return atomic_output_file(file(fd, std::move(shown)), std::move(temp),
                                         std::move(target), durable, std::move(registration));
        }
        registration.release();
        if (fd != -EEXIST || attempt > 8) cannot_write(-fd, shown);
    }
}

atomic_output_file::atomic_output_file(atomic_output_file&& other) noexcept
    : file_(std::move(other.file_)),
      temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      offset_(other.offset_),
      durable_(other.durable_),
      committed_(std::exchange(other.committed_, true)),
      registration_(std::move(other.registration_)) {}

atomic_output_file::~atomic_output_file() {
    // Synchronous on purpose: a destructor cannot await, and this runs only on failure.
    if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

task<void> atomic_output_file::write(std::span<const std::byte> bytes) {
    if (temp_path_.empty()) {
        co_await write_stream(bytes);
    } else {
        co_await file_.write_all(bytes, offset_);
    }
    offset_ += bytes.size();
}

task<void> atomic_output_file::write_stream(std::span<const std::byte> bytes) {
    // A pipe takes what it has room for: go on from where the last write stopped.
    while (!bytes.empty()) {
        int n = co_await uio::write(file_.fd(), bytes, stream_position);
        if (n == -EINTR || n == -EAGAIN) continue;
        if (n <= 0) {
            throw std::system_error(n < 0 ? -n : EIO, std::generic_category(),
                                    "write '" + file_.path() + "'");
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
}

task<void> atomic_output_file::commit_stream() {
    struct stat st {};
    // --fsync means something for a redirected regular file; a pipe or device has no disk.
    if (durable_ && ::fstat(file_.fd(), &st) == 0 && S_ISREG(st.st_mode)) co_await file_.sync();
    co_await file_.close();
    committed_ = true;
}

task<void> atomic_output_file::commit() {
    if (temp_path_.empty()) {
        co_await commit_stream();
        co_return;
    }
    if (durable_) co_await file_.sync();
    // The temporary was private while incomplete; the result gets what a new file would.
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(file_.fd(), 0666 & ~mask) != 0) cannot_write(errno, file_.path());
    const std::string shown = file_.path();
    co_await file_.close();
    int rc = co_await uio::renameat(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_path_.c_str());
    if (rc < 0) cannot_write(-rc, shown);
    registration_.release();  // renamed: the name is the user's file now
    committed_ = true;
}

}  // namespace uio::etl
