// Messages go to stderr unbuffered-by-line so they interleave sanely with --progress.
#include "uio/fs/report.hpp"

#include <cstdio>
#include <cstring>
#include <set>

namespace uio::fs {

void fail(const std::string& what, int errno_value) {
    if (errno_value < 0) errno_value = -errno_value;
    throw copy_error(what + ": " + std::strerror(errno_value));
}

std::string quote(const std::string& path) {
    std::string out = "'";
    for (char c : path) {
        if (c == '\'')
            out += "'\\''";
        else if (c == '\n')
            out += "'$'\\n''";
        else
            out += c;
    }
    return out + "'";
}

void report::error(const std::string& message) {
    ++errors_;
    std::fprintf(stderr, "%sucopy: %s\n", clear_line ? "\r\033[K" : "", message.c_str());
}

void report::warning(const std::string& message) {
    static std::set<std::string> seen;  // a missing feature is said once, not per file
    if (!seen.insert(message).second) return;
    ++warnings_;
    std::fprintf(stderr, "%sucopy: warning: %s\n", clear_line ? "\r\033[K" : "", message.c_str());
}

void report::vanished(const std::string& path) {
    ++vanished_;
    std::fprintf(stderr, "%sucopy: file has vanished: %s\n", clear_line ? "\r\033[K" : "",
                 quote(path).c_str());
}

void report::verbose(const std::string& source, const std::string& destination) const {
    std::printf("%s -> %s\n", quote(source).c_str(), quote(destination).c_str());
}

void report::itemize(const std::string& line) const {
    std::printf("%s\n", line.c_str());
}

tree_stats report::stats() const {
    tree_stats s;
    s.files_seen = files_seen;
    s.bytes_seen = bytes_seen;
    s.walk_finished = walk_finished;
    s.files_done = files_done;
    s.bytes_copied = bytes_copied.load();
    s.directories = directories;
    s.symlinks = symlinks;
    s.hard_links = hard_links;
    s.specials = specials;
    s.skipped = skipped;
    s.journal_skipped = journal_skipped;
    s.verified = verified;
    s.copied = copied;
    s.unchanged = unchanged;
    s.metadata_updated = metadata_updated;
    s.deleted = deleted;
    s.max_delete_reached = max_delete_reached;
    s.errors = errors_;
    s.vanished = vanished_;
    s.warnings = warnings_;
    s.strategies = strategies;
    return s;
}

}  // namespace uio::fs
