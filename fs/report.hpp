// Counters and messages of one run. cp's wording for errors ("ucopy: cannot open 'a/b' for
// reading: Permission denied"); every error is counted so the exit status can say so.
// Loop thread only, except `bytes_copied`, which copy_file_range workers also advance.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <system_error>

#include <uio/core/error_kind.hpp>

#include "uio/fs/tree_stats.hpp"

namespace uio::fs {

// An error that ends the copy of one entry; the message is complete ("cannot ...: reason").
// An I/O failure (uio/core/error_kind.hpp): where one ends the whole run, it exits 1.
class copy_error : public uio::failure {
  public:
    explicit copy_error(const std::string& what) : uio::failure(uio::error_kind::io, what) {}
};

// The source of an entry was gone when its copy began (deleted since the walk listed it):
// rsync's "file has vanished", a warning that ends with exit 24 and blocks no deletion.
class source_vanished : public copy_error {
  public:
    explicit source_vanished(const std::string& path) : copy_error(path) {}
};

// "what: strerror(errno_value)" as a copy_error. errno_value may be negative (-errno).
[[noreturn]] void fail(const std::string& what, int errno_value);

// 'path' quoted as cp quotes it in messages.
std::string quote(const std::string& path);

class report {
  public:
    void error(const std::string& message);    // counted; printed on stderr
    void warning(const std::string& message);  // printed once per distinct message
    void vanished(const std::string& path);    // counted; "file has vanished" on stderr
    void verbose(const std::string& source, const std::string& destination) const;
    void itemize(const std::string& line) const;  // --itemize-changes: a line on stdout

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

    bool clear_line = false;  // --progress is drawing: erase its line before a message

  private:
    std::uint64_t errors_ = 0;
    std::uint64_t vanished_ = 0;
    std::uint64_t warnings_ = 0;
    std::string last_warning_;
};

}  // namespace uio::fs
