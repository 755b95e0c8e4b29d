// One ucopy run over uio::fs: the ring, the call (copy, sync, check or shard plan), its
// messages printed (message_printer.hpp), the progress line, the summary and the exit status.
#include "tree_cli.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <uio/core/error_kind.hpp>
#include <uio/fs/copy_tree.hpp>
#include <uio/fs/report.hpp>
#include <uio/uring/io_context.hpp>

#include "message_printer.hpp"
#include "options.hpp"
#include "progress.hpp"

namespace ucopy {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int print_shard_plan(const uio::fs::options& opts) {
    uio::fs::shard_plan_summary plan = uio::fs::plan_shards(opts);
    if (plan.weights.empty())
        return uio::exit_code(uio::error_kind::io);  // no source: said on stderr (a message)
    std::uint64_t most = 0, sum = 0;
    std::string list;
    for (std::uint64_t w : plan.weights) {
        most = std::max(most, w);
        sum += w;
        list += (list.empty() ? "" : ",") + std::to_string(w);
    }
    const double mean = static_cast<double>(sum) / static_cast<double>(plan.weights.size());
    std::printf("{\"shards\":%zu,\"split_files\":%zu,\"max_over_mean\":%.4f,\"weights\":[%s]}\n",
                plan.weights.size(), plan.split_files,
                mean > 0 ? static_cast<double>(most) / mean : 1.0, list.c_str());
    return 0;
}

int check(uio::io_context& context, const uio::fs::options& opts) {
    const auto start = std::chrono::steady_clock::now();
    uio::fs::check_stats found = context.run(uio::fs::check_tree(opts));
    if (opts.stats_json) {
        std::printf(
            "{\"checked\":%llu,\"differences\":%llu,\"errors\":%llu,\"seconds\":%.6f,"
            "\"ok\":%s}\n",
            static_cast<unsigned long long>(found.checked),
            static_cast<unsigned long long>(found.differences),
            static_cast<unsigned long long>(found.errors), seconds_since(start),
            found.same() ? "true" : "false");
    }
    if (found.differences > 0) {
        std::fprintf(
            stderr, "ucopy: %llu difference%s between %s and %s\n",
            static_cast<unsigned long long>(found.differences), found.differences == 1 ? "" : "s",
            uio::fs::quote(opts.sources.front()).c_str(), uio::fs::quote(opts.destination).c_str());
        return uio::exit_code(uio::error_kind::data);  // DST is not a faithful copy
    }
    return 0;
}

}  // namespace

int run_tree_command(const uio::fs::options& command) {
    // Only a copy or sync draws --progress's line, which its messages erase first.
    uio::fs::options opts = command;
    opts.on_message = print_messages(opts.progress && !opts.check && !opts.shard_plan_only);
    const auto start = std::chrono::steady_clock::now();
    if (opts.shard_plan_only) {
        try {
            return print_shard_plan(opts);
        } catch (const std::exception& e) {
            print_error(e.what(), opts.progress);
            return uio::exit_code(uio::kind_of(e));
        }
    }
    // Without a ring nothing can be copied: one clear error, not a per-file summary.
    std::optional<uio::io_context> context;
    try {
        context.emplace(uio::io_context_options{.entries = 256});
    } catch (const std::exception& e) {
        print_error(e.what(), opts.progress);  // says io_uring and what to do
        return uio::exit_code(uio::kind_of(e));
    }
    if (opts.check) return check(*context, opts);
    progress bar;
    uio::fs::progress_callback draw;
    if (opts.progress) draw = [&](const uio::fs::tree_stats& so_far) { bar.draw(so_far); };
    uio::fs::tree_stats done;
    std::optional<uio::error_kind> fatal;
    try {
        done = context->run(opts.sync ? uio::fs::sync_tree(opts, draw)
                                      : uio::fs::copy_tree(opts, draw));
    } catch (const uio::fs::tree_error& e) {
        // Entries' failures were reported where they happened; this is the run's own, and a
        // bug (internal) is said to be one and exits as one.
        fatal = e.kind();
        done = e.stats;
        done.errors += 1;
        print_error(fatal == uio::error_kind::internal ? std::string("internal error: ") + e.what()
                                                       : std::string(e.what()),
                    opts.progress);
    } catch (const std::exception& e) {  // before the copy began: nothing else to say
        print_error(e.what(), opts.progress);
        return uio::exit_code(uio::kind_of(e));
    }
    if (opts.stats_json) std::printf("%s\n", done.json(seconds_since(start)).c_str());
    if (done.errors > 0) {
        std::fprintf(stderr, "ucopy: %llu error%s; the rest was copied\n",
                     static_cast<unsigned long long>(done.errors), done.errors == 1 ? "" : "s");
        if (fatal == uio::error_kind::internal) return uio::exit_code(*fatal);
        return opts.sync ? exit_code(rsync_status::partial_transfer)
                         : uio::exit_code(uio::error_kind::io);
    }
    if (done.vanished > 0) return exit_code(rsync_status::vanished);
    if (done.max_delete_reached) return exit_code(rsync_status::max_delete);
    return 0;
}

}  // namespace ucopy
