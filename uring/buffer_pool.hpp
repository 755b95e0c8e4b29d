// buffer_pool: buffers registered with the ring once (io_uring_register_buffers), so
// read_fixed / write_fixed skip the per-request page pinning. Buffers are page-aligned and
// usable with O_DIRECT. acquire() suspends while all are lent out.
//
//   uio::buffer_pool pool(context, 16, 1 << 20);
//   uio::registered_buffer buf = co_await pool.acquire();
//   int n = co_await uio::read_fixed(fd, buf.span(), offset, buf.index());
//
// A ring holds one buffer registration: one pool per io_context. The pool must outlive every
// request using its buffers, and is created and destroyed on the context's thread.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "uio/core/semaphore.hpp"

namespace uio {

class io_context;
class buffer_pool;

class registered_buffer {
  public:
    registered_buffer() noexcept = default;
    registered_buffer(registered_buffer&& other) noexcept;
    registered_buffer& operator=(registered_buffer&& other) noexcept;
    ~registered_buffer() { reset(); }

    std::span<std::byte> span() const noexcept { return data_; }
    unsigned index() const noexcept { return index_; }
    explicit operator bool() const noexcept { return owner_ != nullptr; }
    void reset() noexcept;

  private:
    friend class buffer_pool;
    registered_buffer(buffer_pool* owner, unsigned index, std::span<std::byte> data) noexcept
        : owner_(owner), index_(index), data_(data) {}
    buffer_pool* owner_ = nullptr;
    unsigned index_ = 0;
    std::span<std::byte> data_;
};

class buffer_pool {
  public:
    buffer_pool(io_context& context, unsigned count, std::size_t size);
    ~buffer_pool();
    buffer_pool(const buffer_pool&) = delete;
    buffer_pool& operator=(const buffer_pool&) = delete;

    task<registered_buffer> acquire();
    unsigned available() const noexcept { return static_cast<unsigned>(free_.size()); }
    std::size_t buffer_size() const noexcept { return size_; }
    unsigned count() const noexcept { return count_; }

  private:
    friend class registered_buffer;
    void give_back(unsigned index) noexcept;

    io_context& context_;
    unsigned count_;
    std::size_t size_;
    std::byte* memory_ = nullptr;
    std::vector<unsigned> free_;
    semaphore permits_;
};

}  // namespace uio
