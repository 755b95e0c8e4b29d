#include "uio/uring/buffer_pool.hpp"

#include <sys/mman.h>

#include <system_error>

#include "uio/uring/io_context.hpp"

namespace uio {

registered_buffer::registered_buffer(registered_buffer&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), index_(other.index_), data_(other.data_) {}

registered_buffer& registered_buffer::operator=(registered_buffer&& other) noexcept {
    if (this != &other) {
        reset();
        owner_ = std::exchange(other.owner_, nullptr);
        index_ = other.index_;
        data_ = other.data_;
    }
    return *this;
}

void registered_buffer::reset() noexcept {
    if (owner_) std::exchange(owner_, nullptr)->give_back(index_);
}

buffer_pool::buffer_pool(io_context& context, unsigned count, std::size_t size)
    : context_(context), count_(count), size_(size), permits_(count) {
    std::size_t total = std::size_t{count} * size;
    void* memory =
        ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
        throw std::system_error(errno, std::generic_category(), "buffer_pool: mmap");
    }
    memory_ = static_cast<std::byte*>(memory);
    std::vector<iovec> iovecs(count);
    for (unsigned i = 0; i < count; ++i) iovecs[i] = {memory_ + std::size_t{i} * size, size};
    int rc = io_uring_register_buffers(&context_.ring(), iovecs.data(), count);
    if (rc < 0) {
        ::munmap(memory_, total);
        throw std::system_error(-rc, std::generic_category(),
                                "buffer_pool: io_uring_register_buffers (RLIMIT_MEMLOCK?)");
    }
    free_.reserve(count);
    for (unsigned i = count; i > 0; --i) free_.push_back(i - 1);
}

buffer_pool::~buffer_pool() {
    io_uring_unregister_buffers(&context_.ring());
    ::munmap(memory_, std::size_t{count_} * size_);
}

task<registered_buffer> buffer_pool::acquire() {
    semaphore::permit permit = co_await permits_.acquire();
    unsigned index = free_.back();
    free_.pop_back();
    permit.release_ownership();
    co_return registered_buffer(this, index, {memory_ + std::size_t{index} * size_, size_});
}

void buffer_pool::give_back(unsigned index) noexcept {
    free_.push_back(index);
    permits_.release();
}

}  // namespace uio
