// The public calls (copy_tree.hpp): the plan, the journal, the shards, the engine on the
// caller's loop with its progress ticks, and the end of a sharded copy.
#include "uio/fs/copy_tree.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

#include <uio/core/errors.hpp>
#include <uio/core/offload.hpp>
#include <uio/core/thread_pool.hpp>
#include <uio/core/when_all.hpp>
#include <uio/uring/timeout.hpp>

#include "uio/fs/engine.hpp"
#include "uio/fs/mover/stream_copy.hpp"
#include "uio/fs/publisher/shard_finish.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/tree_check.hpp"
#include "uio/fs/walker/fd_limits.hpp"

namespace uio::fs {

namespace {

// --shard: the plan (two walks of the source, blocking), the same in every shard.
std::optional<shard_plan> make_shard_plan(const options& opts,
                                          const std::vector<copy_root>& roots) {
    if ((opts.shard_count <= 1 && !opts.shard_plan_only) || roots.empty()) return std::nullopt;
    if (roots.size() != 1 || !S_ISDIR(roots[0].st.st_mode)) {
        throw usage_error("--shard copies one directory tree");
    }
    return shard_plan::make(roots[0].source, opts.shard_index, opts.shard_count,
                            make_filter_rules(opts.filters), opts.preserve.links);
}

task<tree_stats> run_tree(options opts, progress_callback progress) {
    if (opts.check || opts.shard_plan_only) {
        throw usage_error("check_tree and plan_shards compare and plan; copy_tree copies");
    }
    // Concurrency fitted to the descriptors there are (fd_limits.hpp).
    const unsigned long fd_limit = raise_open_file_limit();
    report out(opts.on_message);
    std::vector<copy_root> roots = plan_copies(opts, out);
    // Files into devices, FIFOs and descriptors are written in place, apart from the engine.
    std::vector<copy_root> streams;
    std::erase_if(roots, [&](copy_root& root) {
        if (!root.stream || opts.dry_run) return false;
        streams.push_back(std::move(root));
        return true;
    });
    std::optional<shard_plan> shards = make_shard_plan(opts, roots);
    if (shards) forget_shard(roots[0], *shards);
    std::optional<journal> log;
    if (!opts.journal_path.empty() && !opts.dry_run) {
        log.emplace(opts.journal_path);  // its errors name the journal
    }
    fit_descriptor_limit(opts, fd_limit);
    std::exception_ptr fatal;
    try {
        for (const copy_root& root : streams) {
            const output_target target = *root.stream;
            co_await copy_into_stream(root, target, out, opts.verbose);
        }
        engine copier(opts, out, log ? &*log : nullptr, shards ? &*shards : nullptr);
        if (!progress) {
            co_await copier.copy(roots);
        } else {
            bool done = false;
            auto work = [&]() -> task<void> {
                co_await copier.copy(roots);
                done = true;
            };
            auto ticks = [&]() -> task<void> {
                while (!done) {
                    co_await sleep_for(std::chrono::milliseconds(100));
                    if (!done) progress(out.stats());
                }
            };
            co_await when_all(work(), ticks());
        }
    } catch (...) {
        fatal = std::current_exception();
    }
    out.walk_finished = true;
    const std::stop_token stop = co_await current_stop_token();
    if (stop.stop_requested()) throw_cancelled("tree copy cancelled");
    if (fatal) {
        // Entries' failures were reported where they happened; this is the run's own.
        try {
            std::rethrow_exception(fatal);
        } catch (const std::exception& e) {
            throw tree_error(kind_of(e), e.what(), out.stats(), error_number_of(e));
        }
    }
    if (shards && out.errors() == 0) finish_shard(opts, roots[0], *shards, out);
    tree_stats done = out.stats();
    done.finished = true;
    if (progress) progress(done);
    co_return done;
}

}  // namespace

task<tree_stats> copy_tree(options opts, progress_callback progress) {
    opts.sync = false;
    return run_tree(std::move(opts), std::move(progress));
}

task<tree_stats> sync_tree(options opts, progress_callback progress) {
    opts.sync = true;
    return run_tree(std::move(opts), std::move(progress));
}

task<tree_stats> copy_tree(options opts) {
    return copy_tree(std::move(opts), nullptr);
}

task<tree_stats> sync_tree(options opts) {
    return sync_tree(std::move(opts), nullptr);
}

task<check_stats> check_tree(options opts) {
    // The comparison reads both trees with blocking calls: on a thread of its own, which
    // posts each message to this loop. The loop runs posted work in order, and offload's
    // resumption is posted after the last message, so every message is delivered before
    // check_tree returns, while `deliver` (in this frame) is alive.
    message_callback deliver = opts.on_message;
    scheduler* loop = scheduler::current();
    if (deliver && loop != nullptr) {
        const message_callback* to = &deliver;
        opts.on_message = [loop, to](const tree_message& message) {
            loop->post([to, message] { (*to)(message); });
        };
    }
    thread_pool pool(1);
    auto compare = [&] { return check_trees(opts); };
    check_stats result = co_await offload(pool, compare);
    co_return result;
}

shard_plan_summary plan_shards(const options& opts) {
    report out(opts.on_message);
    std::vector<copy_root> roots = plan_copies(opts, out);
    if (roots.empty()) return {};  // each source's error is a message
    options planning = opts;
    planning.shard_plan_only = true;
    std::optional<shard_plan> plan = make_shard_plan(planning, roots);
    return shard_plan_summary{plan->shard_weights(), plan->split_paths().size()};
}

}  // namespace uio::fs
