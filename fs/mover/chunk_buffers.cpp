// Registration is tried once; the fallback keeps the same bound on memory.
#include "uio/fs/mover/chunk_buffers.hpp"

#include <new>

#include <uio/uring/io_context.hpp>

namespace uio::fs {

buffer_lease::~buffer_lease() {
    if (owner_) owner_->free_.push_back(slot_);  // before permit_ wakes the next waiter
    owner_ = nullptr;
}

buffer_lease& buffer_lease::operator=(buffer_lease&& other) noexcept {
    if (this != &other) {
        if (owner_) owner_->free_.push_back(slot_);
        data_ = other.data_;
        index_ = other.index_;
        registered_ = std::move(other.registered_);
        owner_ = std::exchange(other.owner_, nullptr);
        slot_ = other.slot_;
        permit_ = std::move(other.permit_);
    }
    return *this;
}

chunk_buffers::chunk_buffers(unsigned count, std::size_t size) : count_(count), size_(size) {}

void chunk_buffers::make() {
    made_ = true;
    try {
        pool_.emplace(uio::io_context::current(), count_, size_);
    } catch (const std::system_error&) {
        const std::size_t total = round_up(std::size_t{count_} * size_);
        memory_.reset(static_cast<std::byte*>(std::aligned_alloc(alignment, total)));
        if (!memory_) throw std::bad_alloc();
        for (unsigned i = count_; i > 0; --i) free_.push_back(i - 1);
        for (unsigned i = 0; i < count_; ++i) permits_.release();
    }
}

uio::task<buffer_lease> chunk_buffers::acquire() {
    if (!made_) make();
    buffer_lease lease;
    if (pool_) {
        lease.registered_ = co_await pool_->acquire();
        lease.data_ = lease.registered_.span();
        lease.index_ = static_cast<int>(lease.registered_.index());
        co_return lease;
    }
    lease.permit_ = co_await permits_.acquire();
    lease.slot_ = free_.back();
    free_.pop_back();
    lease.owner_ = this;
    lease.data_ = {memory_.get() + std::size_t{lease.slot_} * size_, size_};
    co_return lease;
}

}  // namespace uio::fs
