// channel<T>: a bounded FIFO between tasks on one loop (asyncio.Queue with maxsize).
// send() suspends while the buffer is full, which is how a fast producer is slowed to the
// pace of its consumer; receive() suspends while it is empty and returns std::nullopt once
// the channel is closed and drained. A capacity of 0 makes every send a rendezvous.
// Loop thread only.
//
//   uio::channel<chunk> chunks(8);
//   co_await chunks.send(std::move(c));          // producer
//   while (auto c = co_await chunks.receive()) {}  // consumer
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <system_error>

#include "uio/core/detail/list_waiter.hpp"

namespace uio {

template <class T>
class channel {
  public:
    explicit channel(std::size_t capacity) : capacity_(capacity) {}
    channel(const channel&) = delete;
    channel& operator=(const channel&) = delete;

    // Suspends while full; throws std::system_error(broken_pipe) if the channel is closed.
    [[nodiscard("must co_await send()")]] auto send(T value) {
        return send_awaiter{this, std::move(value)};
    }

    // The next value, or std::nullopt when closed and empty.
    [[nodiscard("must co_await receive()")]] auto receive() noexcept {
        return receive_awaiter{this};
    }

    // No more sends: waiting receivers get std::nullopt once the buffer drains, waiting and
    // later senders get broken_pipe.
    void close() noexcept {
        closed_ = true;
        while (receive_awaiter* r = receivers_.pop_front()) r->wake();
        while (send_awaiter* s = senders_.pop_front()) {
            s->closed = true;
            s->wake();
        }
    }

    bool closed() const noexcept { return closed_; }
    std::size_t size() const noexcept { return buffer_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }

  private:
    struct send_awaiter : detail::list_waiter<send_awaiter> {
        send_awaiter(channel* c, T v) : owner(c), value(std::move(v)) {}
        channel* owner;
        T value;
        bool closed = false;

        bool await_ready() {
            if (owner->closed_) return closed = true;
            if (receive_awaiter* r = owner->receivers_.pop_front()) {
                r->value.emplace(std::move(value));
                r->wake();
                return true;
            }
            if (owner->buffer_.size() < owner->capacity_) {
                owner->buffer_.push_back(std::move(value));
                return true;
            }
            return false;
        }
        template <class Promise>
        bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
            return this->suspend_in(owner->senders_, handle);
        }
        void await_resume() {
            this->throw_if_cancelled();
            if (closed) {
                throw std::system_error(std::make_error_code(std::errc::broken_pipe),
                                        "send on a closed channel");
            }
        }
    };

    struct receive_awaiter : detail::list_waiter<receive_awaiter> {
        explicit receive_awaiter(channel* c) noexcept : owner(c) {}
        channel* owner;
        std::optional<T> value;

        bool await_ready() {
            if (!owner->buffer_.empty()) {
                value.emplace(std::move(owner->buffer_.front()));
                owner->buffer_.pop_front();
                // A slot opened: the longest-waiting sender's value moves into the buffer.
                if (send_awaiter* s = owner->senders_.pop_front()) {
                    owner->buffer_.push_back(std::move(s->value));
                    s->wake();
                }
                return true;
            }
            if (send_awaiter* s = owner->senders_.pop_front()) {  // capacity 0: rendezvous
                value.emplace(std::move(s->value));
                s->wake();
                return true;
            }
            return owner->closed_;
        }
        template <class Promise>
        bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
            return this->suspend_in(owner->receivers_, handle);
        }
        std::optional<T> await_resume() {
            if (!value) this->throw_if_cancelled();
            return std::move(value);
        }
    };

    std::size_t capacity_;
    std::deque<T> buffer_;
    bool closed_ = false;
    detail::waiter_list<send_awaiter> senders_;
    detail::waiter_list<receive_awaiter> receivers_;
};

}  // namespace uio
