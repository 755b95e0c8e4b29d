// when_all: asyncio.gather. Runs tasks concurrently on the current loop and returns their
// results in order. On the first failure the siblings are asked to stop, all of them are
// awaited, and the first error is rethrown: nothing outlives the call.
//
//   auto [a, b] = co_await uio::when_all(read_config(), fetch_rows());
//   std::vector<std::size_t> sizes = co_await uio::when_all(std::move(reads));
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include "uio/core/detail/scoped_child.hpp"
#include "uio/core/task.hpp"

namespace uio {

namespace detail {

template <class T>
task<void> store_result(task<T> work, std::optional<result_of_t<T>>& slot) {
    if constexpr (std::is_void_v<T>) {
        co_await std::move(work);
        slot.emplace();
    } else {
        slot.emplace(co_await std::move(work));
    }
}

}  // namespace detail

template <class... T>
task<std::tuple<result_of_t<T>...>> when_all(task<T>... tasks) {
    std::stop_token parent = co_await current_stop_token();
    detail::join_state state(parent);
    std::tuple<std::optional<result_of_t<T>>...> slots;
    std::apply(
        [&](auto&... slot) {
            (detail::start_scoped(state, state.token(),
                                  detail::store_result(std::move(tasks), slot)),
             ...);
        },
        slots);
    co_await state.join();
    state.rethrow_if_failed();
    co_return std::apply(
        [](auto&... slot) { return std::tuple<result_of_t<T>...>(std::move(*slot)...); }, slots);
}

template <class T>
task<std::vector<result_of_t<T>>> when_all(std::vector<task<T>> tasks) {
    std::stop_token parent = co_await current_stop_token();
    detail::join_state state(parent);
    std::vector<std::optional<result_of_t<T>>> slots(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        detail::start_scoped(state, state.token(),
                             detail::store_result(std::move(tasks[i]), slots[i]));
    }
    co_await state.join();
    state.rethrow_if_failed();
    std::vector<result_of_t<T>> results;
    results.reserve(slots.size());
    for (auto& slot : slots) results.push_back(std::move(*slot));
    co_return results;
}

}  // namespace uio
