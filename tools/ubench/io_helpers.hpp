// What the blocking engines and the uio engines share: aligned buffers (O_DIRECT needs them),
// opening the data file as the job says, the clock, and the after-the-fact checksum of a
// write job (the bytes actually in the file, read back untimed).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "workload.hpp"

namespace ubench {

[[noreturn]] void fail_errno(int error, const std::string& what);

class aligned_buffer {
  public:
    explicit aligned_buffer(std::size_t size);
    std::span<std::byte> span() const noexcept { return {data_.get(), size_}; }
    std::byte* data() const noexcept { return data_.get(); }

  private:
    struct release {
        void operator()(std::byte* p) const noexcept;
    };
    std::unique_ptr<std::byte, release> data_;
    std::size_t size_;
};

// The data file opened for this job (O_DIRECT for direct jobs, writable for write jobs).
int open_data_file(const job& work);
int small_file_flags(const job& work);

// The position that seeds the hash of operation `index`'s block.
inline std::uint64_t hash_position(const job& work, std::uint64_t index) noexcept {
    return work.kind == workload_kind::small_files ? index % work.small_count
                                                   : work.offset_of(index);
}

// Sum of block hashes over what the job's operations left in the data file.
std::uint64_t readback_checksum(const job& work);

using clock_type = std::chrono::steady_clock;

inline std::uint32_t elapsed_ns(clock_type::time_point start, clock_type::time_point end) noexcept {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
    return ns > 0xFFFFFFFFLL ? 0xFFFFFFFFu : static_cast<std::uint32_t>(ns);
}

inline double seconds_between(clock_type::time_point start, clock_type::time_point end) noexcept {
    return std::chrono::duration<double>(end - start).count();
}

}  // namespace ubench
