// thread_pool: worker threads for CPU-bound or blocking work (asyncio's default executor).
// Coroutines reach it through offload(); the pool itself knows nothing of coroutines.
// Thread-safe. Destruction finishes the queued jobs, then joins the workers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace uio {

class thread_pool {
  public:
    // `threads == 0` means one per core (at least two, so one blocked job cannot stall all).
    explicit thread_pool(std::size_t threads = 0);
    ~thread_pool();
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    // Queues `job`; some worker runs it soon. Jobs must not throw (offload catches for them).
    void submit(std::function<void()> job);

    std::size_t size() const noexcept { return workers_.size(); }

    // The process-wide pool behind offload(fn); created on first use.
    static thread_pool& default_pool();

  private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::jthread> workers_;
};

}  // namespace uio
