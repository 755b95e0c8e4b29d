// The engine's set-up and its passes: the copy walk feeds the queue, workers drain it.
#include "uio/fs/engine.hpp"

#include <unistd.h>

#include <algorithm>

#include <uio/core/task_group.hpp>

namespace uio::fs {

namespace {

mode_t current_umask() {
    mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

// --backup-dir: relative to DST, like rsync's (null: none).
std::unique_ptr<backup_store> make_backup_store(const options& opts) {
    if (opts.backup_dir.empty()) return nullptr;
    const bool relative = opts.backup_dir.front() != '/';
    return std::make_unique<backup_store>(relative ? opts.destination + "/" + opts.backup_dir
                                                   : opts.backup_dir);
}

}  // namespace

engine::engine(const options& opts, report& out, journal* log, const shard_plan* shards)
    : opts_(opts),
      out_(out),
      journal_(log),
      shards_(shards),
      pool_(opts.threads),
      meta_{opts.preserve, out, current_umask(), ::geteuid() == 0},
      publisher_(opts, out, meta_, shards != nullptr),
      // Staging trades per-file resumption for one rename per directory instead of per file:
      // a journal exists to resume file by file, so it keeps per-file publication.
      // Shards share directories: none can stage one (shard_plan.hpp).
      staging_(!opts.no_staging && opts.journal_path.empty() && !opts.dry_run && !shards),
      filters_(make_filter_rules(opts.filters)),
      backup_(make_backup_store(opts)),
      deletions_(opts, out, pool_, filters_, backup_.get()) {
    // Chains only publish by name inside staging trees (no temporary, no rename per file),
    // and never for work that needs the bytes or a descriptor on the loop.
    if (opts.chains && staging_ && !opts.verify && !opts.fsync && opts.sparse != when::always &&
        opts.reflink != when::always) {
        chains_.emplace(opts, out, meta_, publisher_);
    }
}

uio::task<void> engine::copy(const std::vector<copy_root>& roots) {
    // Enough buffers for every file in flight to have one chunk moving, plus the windows of
    // a few large files; count × block_size is the data memory of the whole run.
    unsigned count = std::max(8u, std::min(opts_.queue_depth, 64u));
    buffers_.emplace(count, opts_.block_size);
    mover_.emplace(opts_, *buffers_, pool_, out_);
    sync_.emplace(opts_, out_, pool_, *mover_, meta_, backup_.get());
    copier_.emplace(
        opts_, out_, pool_, *mover_, meta_, publisher_, *sync_,
        file_copier_extras{.log = journal_, .shards = shards_, .backup = backup_.get()});
    merged_.emplace(roots, opts_.sync);
    walk_.emplace(opts_, out_, pool_,
                  copy_walk_parts{.meta = meta_,
                                  .publisher = publisher_,
                                  .sync = *sync_,
                                  .deletions = deletions_,
                                  .filters = filters_,
                                  .merged = *merged_,
                                  .chains = chains_ ? &*chains_ : nullptr,
                                  .log = journal_,
                                  .shards = shards_,
                                  .staging = staging_});
    try {
        if (merged_->active()) {
            // Several sources, one mirror: each pass ends before the next begins, so a later
            // source finds the earlier ones' directories made and leaves their entries alone.
            for (std::size_t source = 0; source < roots.size(); ++source) {
                const bool last = source + 1 == roots.size();
                co_await copy_pass(std::span(roots).subspan(source, 1), source, last);
            }
        } else {
            co_await copy_pass(roots, 0, true);
        }
    } catch (...) {
        // Ended early: the staging trees never published go, rather than wait for a sweep.
        publisher_.remove_unpublished();
        throw;
    }
    if (journal_) co_await journal_->flush();
    if (opts_.delete_extraneous) {
        const merged_sources* merged = &*merged_;
        co_await deletions_.delete_extraneous(merged);
    }
    walk_.reset();
    copier_.reset();
    sync_.reset();
    mover_.reset();
    buffers_.reset();
}

uio::task<void> engine::copy_pass(std::span<const copy_root> roots, std::size_t source_index,
                                  bool last) {
    queue_.emplace(opts_.queue_depth);
    co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
        for (unsigned i = 0; i < opts_.queue_depth; ++i) group.spawn(worker());
        try {
            co_await walk_->walk(roots, source_index, *queue_);
            if (last) out_.walk_finished = true;
        } catch (...) {
            queue_->close();
            throw;
        }
        queue_->close();
    });
}

uio::task<void> engine::worker() {
    while (std::optional<entry> e = co_await queue_->receive()) {
        co_await copier_->handle(std::move(*e));
    }
}

}  // namespace uio::fs
