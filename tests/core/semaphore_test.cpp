// semaphore: never more than N holders; permits release themselves; FIFO hand-over.
#include "uio/core/semaphore.hpp"

#include <chrono>

#include "test_support.hpp"
#include "uio/core/task_group.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;

TEST_CASE("a semaphore keeps at most N tasks inside") {
    uio::semaphore limit(3);
    int inside = 0, most = 0, done = 0;
    auto worker = [&]() -> task<void> {
        auto permit = co_await limit.acquire();
        ++inside;
        most = std::max(most, inside);
        co_await uio::sleep_for(1ms);
        --inside;
        ++done;
    };
    uio::run(uio::with_task_group([&](uio::task_group& group) -> task<void> {
        for (int i = 0; i < 50; ++i) group.spawn(worker());
        co_return;
    }));
    CHECK(done == 50);
    CHECK(most == 3);
    CHECK(limit.available() == 3);
}

TEST_CASE("try_acquire takes a free permit or none") {
    uio::semaphore limit(1);
    auto first = limit.try_acquire();
    CHECK(first);
    CHECK_FALSE(limit.try_acquire());
    first.reset();
    CHECK(limit.try_acquire());
}
