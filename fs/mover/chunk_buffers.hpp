// chunk_buffers: the fixed set of buffers every read/write chunk borrows, so memory is
// count × size whatever the number or size of files. Registered with the ring when the
// kernel lets us (read_fixed/write_fixed); unregistered when RLIMIT_MEMLOCK forbids it
// (ordinary users get 8 MiB). Made on the first acquire: a sync that finds nothing changed
// never pins (or touches) the memory. Loop thread only; a lease must not outlive the pool.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <uio/core/semaphore.hpp>
#include <uio/core/task.hpp>
#include <uio/uring/buffer_pool.hpp>

namespace uio::fs {

class chunk_buffers;

class buffer_lease {
  public:
    buffer_lease() = default;
    buffer_lease(buffer_lease&& other) noexcept { *this = std::move(other); }
    buffer_lease& operator=(buffer_lease&& other) noexcept;
    ~buffer_lease();

    std::span<std::byte> span() const noexcept { return data_; }
    int registered_index() const noexcept { return index_; }  // -1: plain read/write

  private:
    friend class chunk_buffers;
    std::span<std::byte> data_;
    int index_ = -1;
    uio::registered_buffer registered_;
    chunk_buffers* owner_ = nullptr;  // set for plain buffers only
    unsigned slot_ = 0;
    uio::semaphore::permit permit_;
};

class chunk_buffers {
  public:
    chunk_buffers(unsigned count, std::size_t size);
    chunk_buffers(const chunk_buffers&) = delete;
    chunk_buffers& operator=(const chunk_buffers&) = delete;

    uio::task<buffer_lease> acquire();
    std::size_t size() const noexcept { return size_; }
    // Every buffer starts on a page boundary (mmap, or aligned_alloc below), so O_DIRECT
    // writes from them need only a multiple of the block size as their length.
    static constexpr std::size_t alignment = 4096;
    static constexpr std::size_t round_up(std::size_t n) noexcept {
        return (n + alignment - 1) / alignment * alignment;
    }
    bool registered() const noexcept { return pool_.has_value(); }

  private:
    friend class buffer_lease;
    void make();

    unsigned count_;
    std::size_t size_;
    bool made_ = false;
    std::optional<uio::buffer_pool> pool_;
    struct free_memory {
        void operator()(std::byte* p) const noexcept { std::free(p); }
    };
    std::unique_ptr<std::byte, free_memory> memory_;
    std::vector<unsigned> free_;
    uio::semaphore permits_{0};
};

}  // namespace uio::fs
