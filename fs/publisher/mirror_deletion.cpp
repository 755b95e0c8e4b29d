// --delete once the copy is over (mirror_deletion.hpp).
#include "uio/fs/publisher/mirror_deletion.hpp"

#include <unordered_set>

#include <uio/core/offload.hpp>

namespace uio::fs {

uio::task<void> mirror_deletion::delete_extraneous(const merged_sources* merged) {
    if (merged && merged->active() && deletions_.size() > 0) {
        // One mirror of several sources: what another source holds stays, and a path that
        // several passes found extraneous is deleted once.
        co_await uio::offload(pool_, [&] {
            std::unordered_set<std::string> seen;
            deletions_.forget_if([&](std::size_t k, const std::string& relative, bool is_dir) {
                const std::string path = merged->in_dst(k, relative);
                return !seen.insert(path).second ||
                       merged->held_elsewhere(k, path, is_dir, filters_, opts_.delete_excluded);
            });
        });
    }
    for (const empty_root& root : empty_roots_) {
        const std::size_t count = deletions_.count_below(root.node);
        if (count == 0) continue;
        const auto shown = [](std::string path) {  // "dst/./" -> "dst"
            while (path.size() > 1 && path.back() == '/') path.pop_back();
            if (path.size() > 2 && path.ends_with("/.")) path.resize(path.size() - 2);
            return quote(path);
        };
        out_.error("refusing to delete all " + std::to_string(count) + " entries of " +
                       shown(root.dst) + ": its source " + shown(root.src) +
                       " is empty (--delete-all-ok allows it)",
                   root.src, root.dst);
    }
    if (deletions_.size() == 0) co_return;
    if (out_.errors() > 0) {
        out_.warning("errors occurred: nothing deleted (" + std::to_string(deletions_.size()) +
                     " entries DEST has and SRC lacks are kept)");
        co_return;
    }
    const std::uint64_t limit = opts_.max_delete.value_or(UINT64_MAX);
    deletion_plan::outcome done =
        co_await deletions_.execute(pool_, backup_, limit, opts_.dry_run, opts_.preserve.timestamps,
                                    opts_.itemize || opts_.max_delete.has_value());
    out_.deleted += done.deleted;
    if (opts_.itemize) {
        for (const auto& [line, path] : done.lines) out_.deletion(line, path);
    }
    for (const auto& failed : done.errors) {
        out_.error(failed.text, {}, failed.path, failed.error_number);
    }
    if (done.kept > 0) {  // rsync's own exit code, not an error (report.hpp)
        out_.max_delete_reached = true;
        out_.warning("--max-delete " + std::to_string(limit) +
                     " reached: " + std::to_string(done.kept) + " more entries not deleted");
    }
}

}  // namespace uio::fs
