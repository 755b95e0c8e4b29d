// thread_pool: every job runs, on worker threads, and the destructor drains the queue.
#include "uio/core/thread_pool.hpp"

#include <atomic>
#include <set>

#include "test_support.hpp"

TEST_CASE("a thread pool runs every submitted job before it is destroyed") {
    std::atomic<int> ran{0};
    std::mutex mutex;
    std::set<std::thread::id> threads;
    {
        uio::thread_pool pool(4);
        CHECK(pool.size() == 4);
        for (int i = 0; i < 10'000; ++i) {
            pool.submit([&] {
                ran.fetch_add(1, std::memory_order_relaxed);
                std::lock_guard lock(mutex);
                threads.insert(std::this_thread::get_id());
            });
        }
    }
    CHECK(ran == 10'000);
    CHECK(threads.count(std::this_thread::get_id()) == 0);
    CHECK(!threads.empty());
}

TEST_CASE("the default pool has at least two workers") {
    CHECK(uio::thread_pool::default_pool().size() >= 2);
}
