#include "io_helpers.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "checksum.hpp"

namespace ubench {

void fail_errno(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

aligned_buffer::aligned_buffer(std::size_t size) : size_(size) {
    std::size_t rounded = (size + 4095) / 4096 * 4096;
    void* p = std::aligned_alloc(4096, rounded == 0 ? 4096 : rounded);
    if (p == nullptr) throw std::bad_alloc();
    data_.reset(static_cast<std::byte*>(p));
}

void aligned_buffer::release::operator()(std::byte* p) const noexcept {
    std::free(p);
}

int open_data_file(const job& work) {
    int flags = (work.writes() ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    if (work.direct()) flags |= O_DIRECT;
    int fd = ::open(work.data_path.c_str(), flags);
    if (fd < 0) fail_errno(errno, "open '" + work.data_path + "'");
    return fd;
}

int small_file_flags(const job& work) {
    return O_RDONLY | O_CLOEXEC | (work.direct() ? O_DIRECT : 0);
}

std::uint64_t readback_checksum(const job& work) {
    int fd = ::open(work.data_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "open '" + work.data_path + "'");
    aligned_buffer buffer(work.block_size);
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < work.operations; ++i) {
        std::uint64_t offset = work.offset_of(i);
        ssize_t n = ::pread(fd, buffer.data(), work.block_size, static_cast<off_t>(offset));
        if (n != static_cast<ssize_t>(work.block_size)) {
            int e = n < 0 ? errno : EIO;
            ::close(fd);
            fail_errno(e, "read back '" + work.data_path + "'");
        }
        sum += block_hash(buffer.span(), offset);
    }
    ::close(fd);
    return sum;
}

}  // namespace ubench
