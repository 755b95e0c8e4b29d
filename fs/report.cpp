// Each message is rendered once, here, in the words ucopy prints: the callback (ucopy's, or an
// embedding program's) only decides where it goes.
#include "uio/fs/report.hpp"

#include <cstring>
#include <utility>

#include <uio/db/formats/json_string.hpp>

#include "uio/fs/name_escape.hpp"

namespace uio::fs {

void fail(const std::string& what, int errno_value) {
    if (errno_value < 0) errno_value = -errno_value;
    throw copy_error(what + ": " + std::strerror(errno_value), errno_value);
}

int error_number_of(const std::exception& failure) noexcept {
    if (const auto* copy = dynamic_cast<const copy_error*>(&failure)) {
        return copy->error_number();
    }
    if (const auto* system = dynamic_cast<const std::system_error*>(&failure)) {
        const std::error_category& category = system->code().category();
        if (category == std::generic_category() || category == std::system_category()) {
            return system->code().value();
        }
    }
    return 0;
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

namespace {

tree_message message(message_kind kind, std::string text, std::string source = {},
                     std::string destination = {}) {
    tree_message m;
    m.kind = kind;
    m.text = std::move(text);
    m.source = std::move(source);
    m.destination = std::move(destination);
    return m;
}

// `root` joined with `path` below it ("." is the root itself).
std::string below_root(const std::string& root, const std::string& path) {
    if (path == ".") return root;
    return root.ends_with('/') ? root + path : root + "/" + path;
}

}  // namespace

void report::error(const std::string& text, const std::string& source,
                   const std::string& destination, int error_number) {
    ++errors_;
    tree_message m = message(message_kind::error, text, source, destination);
    m.error_number = error_number;
    say(m);
}

void report::error(const std::exception& failure, const std::string& source,
                   const std::string& destination) {
    error(failure.what(), source, destination, error_number_of(failure));
}

void report::warning(const std::string& text) {
    if (!warned_.insert(text).second) return;
    ++warnings_;
    say(message(message_kind::warning, "warning: " + text));
}

void report::vanished(const std::string& source) {
    ++vanished_;
    say(message(message_kind::vanished, "file has vanished: " + quote(source), source));
}

void report::verbose(const std::string& source, const std::string& destination) const {
    say(message(message_kind::verbose, quote(source) + " -> " + quote(destination), source,
                destination));
}

void report::itemize(const std::string& line, const std::string& source,
                     const std::string& destination) const {
    say(message(message_kind::itemized, line, source, destination));
}

void report::deletion(const std::string& line, const std::string& destination) const {
    say(message(message_kind::deletion, line, {}, destination));
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

tree_message difference_message(const options& opts, const std::string& what,
                                const std::string& path, const std::string& source_value,
                                const std::string& destination_value) {
    tree_message m = message(message_kind::difference, {}, below_root(opts.sources.front(), path),
                             below_root(opts.destination, path));
    m.difference = what;
    m.source_value = source_value;
    m.destination_value = destination_value;
    const bool values = !source_value.empty() || !destination_value.empty();
    if (opts.stats_json) {
        m.text =
            "{\"difference\":" + uio::formats::json_string(what) + ",\"path\":" + json_name(path);
        if (values) {
            m.text += ",\"source\":" + json_name(source_value) +
                      ",\"destination\":" + json_name(destination_value);
        }
        m.text += "}";
    } else if (!values) {
        m.text = what + " " + escape_name(path);
    } else {
        m.text = what + " " + escape_name(path) + " (source " + escape_name(source_value) +
                 ", destination " + escape_name(destination_value) + ")";
    }
    return m;
}

tree_message check_error_message(const options& opts, const std::string& path,
                                 const std::string& text, int error_number) {
    tree_message m = message(message_kind::error, text, below_root(opts.sources.front(), path),
                             below_root(opts.destination, path));
    m.error_number = error_number;
    return m;
}

}  // namespace uio::fs
