// One ucopy run: the plan, the journal, the ring, the engine (with a progress line), the
// summary and the exit status.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include <uio/core/error_kind.hpp>
#include <uio/core/when_all.hpp>
#include <uio/uring/io_context.hpp>

#include "uio/fs/engine.hpp"
#include "uio/fs/mover/stream_copy.hpp"
#include "uio/fs/progress.hpp"
#include "uio/fs/publisher/shard_finish.hpp"
#include "uio/fs/tree_check.hpp"
#include "uio/fs/walker/fd_limits.hpp"

namespace ucopy {

int run(const options& requested) {
    if (requested.check) return check_trees(requested);
    // Concurrency fitted to the descriptors there are (fd_limits.hpp); a copy of the options.
    options opts = requested;
    const unsigned long fd_limit = raise_open_file_limit();
    report out;
    out.clear_line = opts.progress;
    const auto start = std::chrono::steady_clock::now();
    std::vector<copy_root> roots = plan_copies(opts, out);
    // Files into devices, FIFOs and descriptors are written in place, apart from the engine.
    std::vector<copy_root> streams;
    std::erase_if(roots, [&](copy_root& root) {
        if (!root.stream || opts.dry_run) return false;
        streams.push_back(std::move(root));
        return true;
    });
    // --shard: the plan first (two walks of the source, blocking), the same in every shard.
    std::optional<shard_plan> shards;
    if ((opts.shard_count > 1 || opts.shard_plan_only) && !roots.empty()) {
        if (roots.size() != 1 || !S_ISDIR(roots[0].st.st_mode)) {
            out.error("--shard copies one directory tree");
            return exit_copy_errors;
        }
        try {
            shards.emplace(shard_plan::make(roots[0].source, opts.shard_index, opts.shard_count,
                                            make_filter_rules(opts.filters), opts.preserve.links));
        } catch (const copy_error& e) {
            out.error(e.what());
            return exit_copy_errors;
        }
    }
    if (shards && opts.shard_plan_only) {
        std::vector<std::uint64_t> weights = shards->shard_weights();
        std::uint64_t most = 0, sum = 0;
        std::string list;
        for (std::uint64_t w : weights) {
            most = std::max(most, w);
            sum += w;
            list += (list.empty() ? "" : ",") + std::to_string(w);
        }
        const double mean = static_cast<double>(sum) / static_cast<double>(weights.size());
        std::printf(
            "{\"shards\":%zu,\"split_files\":%zu,\"max_over_mean\":%.4f,\"weights\":[%s]}\n",
            weights.size(), shards->split_paths().size(),
            mean > 0 ? static_cast<double>(most) / mean : 1.0, list.c_str());
        return exit_ok;
    }
    if (shards) forget_shard(roots[0], *shards);
    std::optional<journal> log;
    if (!opts.journal_path.empty() && !opts.dry_run) {
        try {
            log.emplace(opts.journal_path);
        } catch (const copy_error& e) {
            out.error(e.what());
            return exit_copy_errors;
        }
    }
    fit_descriptor_limit(opts, fd_limit);
    // Without a ring nothing can be copied: one clear error, not a per-file summary.
    std::optional<uio::io_context> context;
    try {
        context.emplace(uio::io_context_options{.entries = 256});
    } catch (const std::exception& e) {
        out.error(e.what());  // says io_uring and what to do
        return exit_copy_errors;
    }
    std::optional<uio::error_kind> fatal;
    try {
        context->run([&]() -> uio::task<void> {
            for (const copy_root& root : streams) {
                const uio::output_target target = *root.stream;
                co_await copy_into_stream(root, target, out, opts.verbose);
            }
            engine copier(opts, out, log ? &*log : nullptr, shards ? &*shards : nullptr);
            if (!opts.progress) {
                co_await copier.copy(roots);
                co_return;
            }
            bool done = false;
            progress bar(out);
            auto work = [&]() -> uio::task<void> {
                co_await copier.copy(roots);
                out.walk_finished = true;
                done = true;
            };
            co_await uio::when_all(work(), bar.run(done));
        }());
    } catch (const std::exception& e) {
        // Entries' failures are reported where they happen; this is the run's own, and a bug
        // (internal) is said to be one and exits as one.
        fatal = uio::kind_of(e);
        out.error(fatal == uio::error_kind::internal ? std::string("internal error: ") + e.what()
                                                     : std::string(e.what()));
    }
    out.walk_finished = true;
    if (shards && out.errors() == 0) finish_shard(opts, roots[0], *shards, out);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (opts.stats_json) std::printf("%s\n", out.json(seconds).c_str());
    if (out.errors() > 0) {
        std::fprintf(stderr, "ucopy: %llu error%s; the rest was copied\n",
                     static_cast<unsigned long long>(out.errors()), out.errors() == 1 ? "" : "s");
        if (fatal == uio::error_kind::internal) return uio::exit_code(*fatal);
        return opts.sync ? exit_partial : exit_copy_errors;
    }
    if (out.vanished() > 0) return exit_vanished;
    if (out.max_delete_reached) return exit_max_delete;
    return exit_ok;
}

}  // namespace ucopy
