// Counters and messages of one run. cp's wording for errors ("cannot open 'a/b' for reading:
// Permission denied"); every error is counted so the exit status can say so. Every message
// goes to the options' `on_message` callback as a tree_message (tree_message.hpp), nowhere
// without one: the library never writes to the process's stdout or stderr.
// Loop thread only, except `bytes_copied`, which copy_file_range workers also advance.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include <uio/core/error_kind.hpp>

#include "uio/fs/options.hpp"
#include "uio/fs/tree_message.hpp"
#include "uio/fs/tree_stats.hpp"

namespace uio::fs {

// An error that ends the copy of one entry; the message is complete ("cannot ...: reason").
// An I/O failure (uio/core/error_kind.hpp): where one ends the whole run, it exits 1.
// `error_number`: the errno behind it, 0 where no system call failed.
class copy_error : public uio::failure {
  public:
    explicit copy_error(const std::string& what, int error_number = 0)
        : uio::failure(uio::error_kind::io, what), error_number_(error_number) {}
    int error_number() const noexcept { return error_number_; }

  private:
    int error_number_;
};

// The source of an entry was gone when its copy began (deleted since the walk listed it):
// rsync's "file has vanished", a warning that ends with exit 24 and blocks no deletion.
class source_vanished : public copy_error {
  public:
    explicit source_vanished(const std::string& path) : copy_error(path) {}
};

// "what: strerror(errno_value)" as a copy_error. errno_value may be negative (-errno).
[[noreturn]] void fail(const std::string& what, int errno_value);

// The errno behind a failure: a copy_error's, or a std::system_error's in the generic or
// system category; 0 for anything else (an SQLite code is no errno).
int error_number_of(const std::exception& failure) noexcept;

// 'path' quoted as cp quotes it in messages.
std::string quote(const std::string& path);

class report {
  public:
    explicit report(message_callback on_message = {}) : on_message_(std::move(on_message)) {}

    // An entry's error, counted: `text` is complete ("cannot ...: reason"); the entry's paths
    // and the errno where the caller knows them.
    void error(const std::string& text, const std::string& source = {},
               const std::string& destination = {}, int error_number = 0);
    // A caught failure of the entry `source` -> `destination` (the errno of a copy_error or
    // of a std::system_error).
    void error(const std::exception& failure, const std::string& source,
               const std::string& destination);
    void warning(const std::string& text);     // said once per distinct text in a run
    void vanished(const std::string& source);  // counted; "file has vanished"
    void verbose(const std::string& source, const std::string& destination) const;
    // --itemize-changes: a line in rsync's %i format, about the entry at these paths.
    void itemize(const std::string& line, const std::string& source = {},
                 const std::string& destination = {}) const;
    // An "*deleting" line (itemize_deletion, sync_check.hpp) for `destination`.
    void deletion(const std::string& line, const std::string& destination) const;

    std::uint64_t errors() const noexcept { return errors_; }
    std::uint64_t vanished() const noexcept { return vanished_; }

    // Totals, filled by the walk (what there is) and by the copiers (what was done).
    std::uint64_t files_seen = 0;
    std::uint64_t bytes_seen = 0;
    bool walk_finished = false;
    std::uint64_t files_done = 0;  // regular files copied, linked or skipped
    std::atomic<std::uint64_t> bytes_copied{0};
    std::uint64_t directories = 0;
    std::uint64_t symlinks = 0;
    std::uint64_t hard_links = 0;
    std::uint64_t specials = 0;
    std::uint64_t skipped = 0;          // -n, -u, --exclude
    std::uint64_t journal_skipped = 0;  // done in an earlier run
    std::uint64_t verified = 0;
    // --sync
    std::uint64_t copied = 0;            // entries whose data was written (new or changed)
    std::uint64_t unchanged = 0;         // the destination already matched
    std::uint64_t metadata_updated = 0;  // only metadata differed, set in place
    std::uint64_t deleted = 0;           // --delete (or moved into --backup-dir)
    bool max_delete_reached = false;     // --max-delete kept some: exit 25, not an error
    strategy_counts strategies;

    // The counters now, as copy_tree returns them.
    tree_stats stats() const;

  private:
    void say(const tree_message& message) const {
        if (on_message_) on_message_(message);
    }

    message_callback on_message_;
    std::uint64_t errors_ = 0;
    std::uint64_t vanished_ = 0;
    std::uint64_t warnings_ = 0;
    std::set<std::string> warned_;  // a missing feature is said once, not per file
};

// check_tree's messages. A difference at `path` (below both roots; "." for the roots
// themselves), rendered as --check prints it: "what path (source S, destination D)", or one
// JSON object with `opts.stats_json`, names escaped as -i escapes them (name_escape.hpp).
tree_message difference_message(const options& opts, const std::string& what,
                                const std::string& path, const std::string& source_value = {},
                                const std::string& destination_value = {});
// An entry --check could not read, at `path` (below both roots), for `error_number` (errno).
tree_message check_error_message(const options& opts, const std::string& path,
                                 const std::string& text, int error_number);

}  // namespace uio::fs
