// Small files as linked io_uring chains (small_files.hpp): one walk batch of them (which
// entries qualify: planner/entry_route.hpp) run on the chain pool, with the ordinary path as
// the fallback (chain_batches.hpp).
#include "uio/fs/mover/chain_batches.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <thread>

#include <uio/core/offload.hpp>

#include "uio/fs/planner/sync_check.hpp"
#include "uio/fs/test_hooks.hpp"

namespace uio::fs {

namespace {

unsigned chain_threads(const options& opts) {
    return opts.chain_threads != 0 ? opts.chain_threads
                                   : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

chain_batches::chain_batches(const options& opts, report& out, const metadata_context& meta,
                             directory_publisher& publisher)
    : opts_(opts),
      out_(out),
      meta_(meta),
      publisher_(publisher),
      euid_(::geteuid()),
      chain_pool_(chain_threads(opts)) {
    // One batch per thread running and one ready behind it; each holds <= walk_batch.
    // Fewer when descriptors are scarce (fd_limits.hpp).
    const unsigned threads = chain_threads(opts);
    const unsigned batches = opts.chain_batches != 0 ? opts.chain_batches : 2 * threads;
    for (unsigned i = 1; i < batches; ++i) slots_.release();
    chain_ = {opts.chain_depth, std::min(opts.chain_max, opts.block_size)};
    chain_.ring_only = opts.hooks && opts.hooks->chains_cold();
}

uio::task<void> chain_batches::copy(uio::semaphore::permit permit, std::vector<entry> files,
                                    uio::channel<entry>& queue) {
    std::vector<small_file> items(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        const entry& e = files[i];
        small_file& f = items[i];
        f.src_dirfd = e.dir->src_fd;
        f.src_name = e.src_name.c_str();
        f.src_flags = e.follow ? 0 : O_NOFOLLOW;
        f.dst_dirfd = e.dir->dst_fd;
        f.dst_name = e.dst_name.c_str();
        f.size = static_cast<std::uint32_t>(e.st.st_size);
        f.walked = &e.st;
        const mode_t mode = final_mode(meta_, e.st);
        f.create_mode = mode;
        f.set_mode = (mode & ~meta_.umask_bits) != mode;
        f.set_owner = opts_.preserve.ownership &&
                      (e.st.st_uid != euid_ || e.st.st_gid != e.dir->new_file_gid);
        f.uid = e.st.st_uid;
        f.gid = e.st.st_gid;
        f.set_times = opts_.preserve.timestamps;
        f.times[0] = e.st.st_atim;
        f.times[1] = e.st.st_mtim;
        if (opts_.hooks) f.test_failure = opts_.hooks->chain_failure(e.dir->src_fd, e.src_name);
    }
    co_await uio::offload(chain_pool_, [&] { copy_small_files(items, chain_); });
    permit.reset();
    for (std::size_t i = 0; i < files.size(); ++i) {
        entry& e = files[i];
        const small_file& f = items[i];
        if (!f.copied) {  // the ordinary path redoes it and reports any error
            ++out_.strategies.chain_fallback;
            co_await queue.send(std::move(e));
            continue;
        }
        if (f.metadata_error != 0) {
            const std::string what = f.metadata_step == std::string_view("ownership")
                                         ? "failed to preserve ownership for "
                                     : f.metadata_step == std::string_view("permissions")
                                         ? "failed to set the permissions of "
                                         : "failed to preserve times for ";
            out_.error(what + quote(e.dst_path()) + ": " + std::strerror(f.metadata_error),
                       e.src_path(), e.dst_path(), f.metadata_error);
        }
        ++out_.strategies.linked_chain;
        ++out_.copied;
        if (opts_.itemize) {
            out_.itemize(itemize('>', e.st, {}, true, e.dir->relative + e.dst_name), e.src_path(),
                         e.dst_path());
        }
        out_.bytes_copied += f.size;
        ++out_.files_done;
        release(std::move(e.dir));
    }
}

}  // namespace uio::fs
