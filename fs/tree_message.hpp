// tree_message: one thing a tree copy, sync or check has to say — an entry's error, a warning,
// an -i line, a --check difference — as the options' `on_message` callback receives it. The
// library prints nothing itself: ucopy's callback prints `text` where ucopy always printed it,
// and an embedding program logs, collects or drops the messages as it likes.
#pragma once

#include <functional>
#include <string>

namespace uio::fs {

enum class message_kind {
    error,       // an entry failed (counted in tree_stats::errors); the rest of the run goes on
    warning,     // once per distinct text per run (tree_stats::warnings)
    vanished,    // a source entry was deleted during the run (tree_stats::vanished)
    verbose,     // options::verbose: an entry about to be copied, `source` to `destination`
    itemized,    // options::itemize: a change, in rsync's %i format ("cd+++++++++ dir/")
    deletion,    // options::itemize with delete_extraneous: "*deleting   name" (or would be)
    difference,  // check_tree: SRC and DST differ at this entry (check_stats::differences)
};

struct tree_message {
    message_kind kind = message_kind::error;
    // What ucopy prints for it, without the newline and without the "ucopy: " that starts its
    // stderr lines (error, warning, vanished; the others go to stdout as they are):
    // "cannot open 'in/a.csv' for reading: Permission denied", "warning: ...",
    // ">f+++++++++ a.csv", "size a.csv (source 10, destination 12)". A difference is one
    // JSON object when options::stats_json is set, as `ucopy --check --stats=json` prints it.
    std::string text;
    // The entry it concerns, as the user's paths name it (unquoted, unescaped): the source's
    // path and the destination's. Either is empty where the message has none (a deletion has
    // no source; a warning about a file system, neither).
    std::string source;
    std::string destination;
    // error: the errno that caused it (EACCES...); 0 where no system call failed ("... are the
    // same file") or the message does not know it. An entry's error is an I/O failure
    // (error_kind::io) whatever the errno.
    int error_number = 0;
    // difference: what differs, in --check's words ("type", "size", "mtime", "mode", "owner",
    // "xattrs", "target", "links", "contents", "only-in-source", "only-in-destination",
    // "unreadable"), and the two sides' values where the text shows them ("10", "12").
    std::string difference;
    std::string source_value;
    std::string destination_value;
};

// Called once per message, in the order they arise: for copy_tree and sync_tree on the loop
// thread (as the progress callback), for check_tree on the loop thread too (the comparison runs
// on a thread of its own and hands each message over), for plan_shards on the caller's thread.
// Never two calls at once. It must not throw.
using message_callback = std::function<void(const tree_message& message)>;

}  // namespace uio::fs
