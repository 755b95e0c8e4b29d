// task_group: asyncio.TaskGroup / create_task. Children spawned into the group run
// concurrently with the body; the group joins them all before with_task_group returns, so no
// task outlives its group. The first failure (of the body or a child) stops everything else
// in the group, and is rethrown after the join.
//
//   co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<> {
//       for (auto& path : paths) group.spawn(copy_one(path));
//       co_return;
//   });
#pragma once

#include <utility>

#include "uio/core/detail/scoped_child.hpp"
#include "uio/core/task.hpp"

namespace uio {

class task_group {
  public:
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    // Starts `work` now (it runs until its first suspension before spawn returns).
    // Loop thread only; the group must still be open (its body or a child is running).
    void spawn(task<void> work);

    // Children still running.
    std::size_t running() const noexcept { return state_.running(); }

    // The group's stop token: stops when a member fails or the group's awaiter is stopped.
    std::stop_token stop_token() const noexcept { return state_.token(); }

    // Stops every child (and the body) as if one had failed with a cancellation.
    void request_stop() noexcept { state_.request_stop(); }

  private:
    template <class Body>
    friend task<void> with_task_group(Body body);

    explicit task_group(std::stop_token parent) : state_(std::move(parent)) {}

    detail::join_state state_;
};

inline void task_group::spawn(task<void> work) {
    detail::start_scoped(state_, state_.token(), std::move(work));
}

template <class Body>
task<void> with_task_group(Body body) {
    task_group group(co_await current_stop_token());
    {
        stop_scope body_scope(group.stop_token());
        try {
            co_await body(group).in_scope(body_scope);
        } catch (...) {
            group.state_.record_error(std::current_exception());
        }
    }
    co_await group.state_.join();
    group.state_.rethrow_if_failed();
}

}  // namespace uio
