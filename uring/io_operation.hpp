// io_operation: one io_uring request as a coroutine awaits it.
//
// The operation object lives in the awaiting coroutine's frame; its address is the SQE's
// user_data. Ownership rule: everything the kernel may touch (buffers, paths, timespecs)
// belongs to the awaiting coroutine and stays alive until this operation's own completion
// arrives — also after a cancel, because a cancelled operation still resumes its coroutine
// only from its final CQE (-ECANCELED or its real result).
//
// Results follow liburing's cqe->res: >= 0 on success, -errno on failure. After a stop
// request an operation that was cancelled throws std::system_error(operation_canceled).
#pragma once

#include <liburing.h>

#include <cerrno>
#include <chrono>
#include <coroutine>

#include "uio/core/detail/waiter_list.hpp"
#include "uio/core/errors.hpp"
#include "uio/core/stop_scope.hpp"
#include "uio/core/task.hpp"
#include "uio/uring/kernel_timespec.hpp"

namespace uio {

class io_context;

// Privately a node of io_context's queue of requests waiting for room in the ring.
class io_operation : public cancellable_wait, private detail::waiter_list<io_operation>::hook {
  public:
    using prepare_fn = void (*)(io_operation&, io_uring_sqe&);

    int result = 0;
    std::uint32_t cqe_flags = 0;

    // Called by io_context (loop thread) when the final CQE arrives.
    void complete(int res, std::uint32_t flags) noexcept {
        result = res;
        cqe_flags = flags;
        waiter_.resume();
    }

    void cancel() noexcept override;

  protected:
    explicit io_operation(prepare_fn prepare) noexcept : prepare_(prepare) {}
    ~io_operation() = default;

    // Submits (or queues) the operation; false when the scope is already stopped.
    template <class Promise>
    bool start(std::coroutine_handle<Promise> handle) noexcept {
        scope_ = detail::scope_of(handle);
        if (scope_ && scope_->stop_requested()) {
            result = -ECANCELED;
            return false;
        }
        waiter_ = handle;
        submit();
        if (scope_) scope_->set_pending(this);
        return true;
    }

    // The result, or an exception if the operation was cancelled by a stop request. A
    // request cut short by its own deadline yields -ETIME.
    int finish() {
        bool stopped = false;
        if (scope_) {
            scope_->clear_pending();
            stopped = scope_->stop_requested();
            if (result == -ECANCELED && stopped) throw_cancelled();
        }
        if (has_deadline_ && result == -ECANCELED && !stopped) result = -ETIME;
        return result;
    }

    void set_deadline(std::chrono::nanoseconds limit) noexcept {
        deadline_ = to_kernel_timespec(limit);
        has_deadline_ = true;
    }

    void copy_deadline_from(const io_operation& other) noexcept {
        deadline_ = other.deadline_;
        has_deadline_ = other.has_deadline_;
    }

  private:
    friend class io_context;
    friend class detail::waiter_list<io_operation>;
    void submit() noexcept;

    prepare_fn prepare_;
    __kernel_timespec deadline_{};  // read by the kernel at submission of the linked timeout
    bool has_deadline_ = false;
    std::coroutine_handle<> waiter_;
    stop_scope* scope_ = nullptr;
    io_context* context_ = nullptr;
};

// The awaitable for one request: `Prepare` fills the SQE from values it captured.
template <class Prepare>
class [[nodiscard("must co_await an io_uring operation")]] io_awaitable final
    : public io_operation {
  public:
    explicit io_awaitable(Prepare prepare) noexcept
        : io_operation(&prepare_thunk), prepare_(std::move(prepare)) {}
    io_awaitable(const io_awaitable&) = delete;
    io_awaitable& operator=(const io_awaitable&) = delete;
    // Moves only before submission (g++ may move the operand of co_await into the frame),
    // so the deadline travels with the request.
    io_awaitable(io_awaitable && other) noexcept
        : io_operation(&prepare_thunk), prepare_(std::move(other.prepare_)) {
        copy_deadline_from(other);
    }

    bool await_ready() const noexcept {
        return false;
    }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
        return start(handle);
    }
    int await_resume() {
        return finish();
    }

    // Bounds this request by `limit` with a linked IORING_OP_LINK_TIMEOUT: one submission,
    // no separate timer. Past the deadline the request is cancelled and yields -ETIME.
    //   int n = co_await uio::read(socket, buffer, ~0ULL).with_deadline(5s);
    io_awaitable&& with_deadline(std::chrono::nanoseconds limit)&& noexcept {
        set_deadline(limit);
        return std::move(*this);
    }

  private:
    static void prepare_thunk(io_operation & op, io_uring_sqe & sqe) noexcept {
        static_cast<io_awaitable&>(op).prepare_(&sqe);
    }
    Prepare prepare_;
};

template <class Prepare>
io_awaitable<Prepare> make_io_awaitable(Prepare prepare) noexcept {
    return io_awaitable<Prepare>(std::move(prepare));
}

}  // namespace uio
