// chain_batches: small files as linked io_uring chains (small_files.hpp), a walk batch at a
// time (which entries qualify: planner/entry_route.hpp), on a pool of chain threads of their
// own. A batch waits for a slot first (acquire: one batch per thread running and one ready
// behind it, fewer when descriptors are scarce), so memory stays bounded; a file the chains
// hand back goes to the ordinary path through the workers' queue.
// Loop thread only; copy_small_files runs on the chain threads.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <vector>

#include <uio/core/channel.hpp>
#include <uio/core/semaphore.hpp>
#include <uio/core/task.hpp>
#include <uio/core/thread_pool.hpp>

#include "uio/fs/mover/small_files.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/publisher/directory_publication.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

class chain_batches {
  public:
    // `publisher` is told when a file of a directory is done.
    chain_batches(const options& opts, report& out, const metadata_context& meta,
                  directory_publisher& publisher);

    // The largest file a chain copies.
    std::size_t max_size() const noexcept { return chain_.max_size; }
    // A slot for one batch (the permit copy takes).
    [[nodiscard("must co_await acquire()")]] auto acquire() { return slots_.acquire(); }
    // Copies `files`, each released to the publisher when done; those the chains hand back
    // go into `queue` for the workers.
    uio::task<void> copy(uio::semaphore::permit permit, std::vector<entry> files,
                         uio::channel<entry>& queue);

  private:
    void release(std::shared_ptr<dir_node> node) { publisher_.release(std::move(node)); }

    const options& opts_;
    report& out_;
    const metadata_context& meta_;
    directory_publisher& publisher_;
    uid_t euid_;
    uio::thread_pool chain_pool_;
    uio::semaphore slots_{1};  // batches in flight: set in the constructor
    chain_settings chain_;
};

}  // namespace uio::fs
