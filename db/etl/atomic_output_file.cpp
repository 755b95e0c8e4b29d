#include "uio/db/etl/detail/atomic_output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "uio/uring/operations.hpp"
#include "uio/uring/temp_name.hpp"

namespace uio::etl {

task<atomic_output_file> atomic_output_file::create(std::string final_path, bool durable) {
    std::filesystem::path p(final_path);
    std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    // O_EXCL: never follows or clobbers something already there (a killed run's leftover
    // under a recycled pid: the next name is free).
    for (int attempt = 0;; ++attempt) {
        std::string temp = dir + "/" + temp_name();
        try {
            file f = co_await file::open(temp, O_WRONLY | O_CREAT | O_EXCL, 0600);
            co_return atomic_output_file(std::move(f), std::move(temp), std::move(final_path),
                                         durable);
        } catch (const std::system_error& e) {
            if (e.code() != std::errc::file_exists || attempt > 8) throw;
        }
    }
}

atomic_output_file::atomic_output_file(atomic_output_file&& other) noexcept
    : file_(std::move(other.file_)),
      temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      offset_(other.offset_),
      durable_(other.durable_),
      committed_(std::exchange(other.committed_, true)) {}

atomic_output_file::~atomic_output_file() {
    // Synchronous on purpose: a destructor cannot await, and this runs only on failure.
    if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

task<void> atomic_output_file::write(std::span<const std::byte> bytes) {
    co_await file_.write_all(bytes, offset_);
    offset_ += bytes.size();
}

task<void> atomic_output_file::commit() {
    if (durable_) co_await file_.sync();
    // The temporary was private while incomplete; the result gets what a new file would.
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(file_.fd(), 0666 & ~mask) != 0) {
        throw std::system_error(errno, std::generic_category(), "chmod '" + temp_path_ + "'");
    }
    co_await file_.close();
    int rc = co_await uio::renameat(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_path_.c_str());
    if (rc < 0) {
        throw std::system_error(-rc, std::generic_category(),
                                "rename '" + temp_path_ + "' to '" + final_path_ + "'");
    }
    committed_ = true;
}

}  // namespace uio::etl
