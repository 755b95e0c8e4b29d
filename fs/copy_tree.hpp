// copy_tree: the tree engine as a library call — what `ucopy` runs for files and directories
// — for programs that embed uio in a job. It runs on the caller's io_context:
//
//   uio::fs::options options;
//   options.sources = {"incoming/."};
//   options.destination = "mirror";
//   options.recursive = true;
//   options.preserve.timestamps = true;
//   uio::fs::tree_stats done = co_await uio::fs::sync_tree(options);
//
// The options are the command line's, one field per option (options.hpp); the filters
// (`filters`), the journal (`journal_path`) and shards (`shard_index`/`shard_count`) are
// fields too. The rules are the command line's: every file is written under a hidden
// temporary name and renamed into place, new directories are staged, and a failed entry is
// counted in `tree_stats::errors`, said in an error message (cp's wording), and the rest
// copied. The library writes nothing to stdout or stderr: errors, warnings, -v and -i lines
// and check_tree's differences are tree_message values (tree_message.hpp) handed to
// `options::on_message`, on the loop thread; without one they are only counted.
// What ends the whole run throws an exception with an error kind (uio::kind_of): a
// `tree_error` when it struck mid-run. A stop requested on the caller's stop token (its
// task_group, io_context::request_stop) cancels the copy: the files in flight are removed
// from under their temporary names, and copy_tree throws a cancellation (error_kind::io).
//
// Threads: call it on the loop thread; it runs thread pools of its own for the blocking
// calls (directory reads, stats, copy_file_range) and the small-file rings. A process-wide
// effect, as in ucopy: the soft limit of open files is raised to the hard one. Each distinct
// warning is said once per run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "uio/core/error_kind.hpp"
#include "uio/core/task.hpp"
#include "uio/fs/options.hpp"
#include "uio/fs/tree_message.hpp"
#include "uio/fs/tree_stats.hpp"

namespace uio::fs {

// Called on the loop thread every 100 ms with the counts so far, and once at the end (with
// `finished` set).
using progress_callback = std::function<void(const tree_stats& so_far)>;

// Copies `opts.sources` to `opts.destination` with cp's semantics (`ucopy SRC... DST`).
task<tree_stats> copy_tree(options opts, progress_callback progress);
// Makes `opts.destination` a mirror of `opts.sources` (`ucopy --sync`): unchanged files
// are not copied, with `delete_extraneous` what the sources lack is deleted.
task<tree_stats> sync_tree(options opts, progress_callback progress);
// Without a progress callback. Overloads, not default arguments: g++ 12 destroys a default
// argument's temporary twice inside a co_await expression (GCC PR 99576).
task<tree_stats> copy_tree(options opts);
task<tree_stats> sync_tree(options opts);

// Compares `opts.sources[0]` with `opts.destination` (`ucopy --check`), copying
// nothing; each difference is a message (message_kind::difference; its text a JSON object
// with `stats_json`), delivered on the loop thread before check_tree returns.
task<check_stats> check_tree(options opts);

// The weights of the shards `opts.shard_count` cuts the one source tree into (`ucopy
// --shard-plan`). Reads the tree (blocking; messages on the caller's thread). Empty when no
// source could be read (each an error message).
struct shard_plan_summary {
    std::vector<std::uint64_t> weights;  // one per shard
    std::size_t split_files = 0;         // files several shards write parts of
};
shard_plan_summary plan_shards(const options& opts);

// A failure that ended a run mid-way, with what the run had done by then. what() names the
// path it concerns where there is one ("journal 'copy.db': disk I/O error").
class tree_error : public failure {
  public:
    tree_error(error_kind kind, const std::string& what, const tree_stats& so_far,
               int errno_value = 0)
        : failure(kind, what), stats(so_far), error_number(errno_value) {}
    tree_stats stats;
    // The errno behind it where a system call failed (EIO...), else 0 (as tree_message's).
    int error_number = 0;
};

}  // namespace uio::fs
