// filter_rules: rsync's include/exclude rules, for --exclude, --include, --filter and
// --exclude-from. Rules are tried in the order given and the first that matches decides;
// an entry no rule matches is included. Patterns follow rsync's (checked against rsync 3.x):
//   "name"    (no '/')       the last component at any depth: "*.o", "cache"
//   "a/b"     (a '/' inside) the path's last components, as many as the pattern has:
//                            "a/b" matches "x/a/b", not "xa/b"; "a/*" not "a/b/c"
//   "/a"      (leading '/')  anchored at the transfer root (the source's contents)
//   "dir/"    (trailing '/') directories only
//   '*' any run within a component, '**' anything across '/' (a pattern holding "**" is
//   matched against the whole path like one holding '/'), '?' one character but '/', '[a-z]'
//   a class ('!' or '^' negates, "[:digit:]" and the other POSIX names, ASCII only; never
//   '/'), '\' escapes the next character.
// rsync's corners, kept so its filters mean the same here:
//   "**/x" also matches "x" at the root; "dir/***" matches dir itself and all below it
//   ("dir/**" only what is below); '\' is an escape only in a pattern holding '*', '?' or
//   '[' ("a\b" is those three characters); --exclude "+ x" is an include, --include "- x" an
//   exclude, as rsync reads the old "+ "/"- " prefixes there and in --exclude-from files.
// Where rsync silently never matches (an unclosed '[', an unknown "[:name:]", a pattern
// ending in a lone '\'), the rule is refused instead, so a typo is not a silent no-op.
// An excluded directory is not walked, so nothing below it is copied (or deleted).
// A filter_rules is immutable once built; const calls may run on any thread at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <uio/core/error_kind.hpp>

#include "uio/fs/options.hpp"

namespace uio::fs {

namespace detail {
struct compiled_glob;  // filter_rules.cpp: a pattern parsed once, matched per entry
}

class filter_rules {
  public:
    // --exclude PATTERN and --include PATTERN; a leading "- " or "+ " overrides which.
    // Throw uio::usage_error naming the pattern when it is empty or malformed.
    void add_exclude(std::string_view pattern);
    void add_include(std::string_view pattern);
    // --filter RULE: "+ PATTERN", "- PATTERN", "include PATTERN", "exclude PATTERN" (or '_'
    // for the one space, as rsync allows). Throws uio::usage_error naming the rule
    // otherwise (rsync's modifiers, merge files and '!' are not supported).
    void add_rule(std::string_view rule);
    // --exclude-from FILE: one exclude pattern per line (a rule when it starts with "+ " or
    // "- "); blank lines and lines starting with '#' or ';' are skipped. Throws
    // std::system_error naming the file and the errno text when it cannot be read (an I/O
    // error, exit 1), uio::usage_error naming the file and line for a bad pattern.
    void add_exclude_from(const std::string& path);

    bool empty() const noexcept { return rules_.empty(); }
    // `relative`: the entry's path below the transfer root, '/'-separated, no leading or
    // trailing '/' ("a/b/c.txt"); `is_dir`: whether the entry is a directory.
    bool excluded(std::string_view relative, bool is_dir) const;

  private:
    // Which text a rule's glob must match all of, as rsync's exclude.c picks it.
    enum class shape {
        name,       // no '/' nor "**": the last component
        tail,       // a '/' but no "**": exactly the last `components` components (k '/'s: k+1)
        anywhere,   // "**" inside: the path from any component's start
        from_root,  // starts with "**": "/" + the path, so "**/x" matches a root "x" too
        anchored,   // "/a": the whole path
    };
    struct rule {
        bool include = false;
        bool dirs_only = false;   // "dir/"
        bool dir_itself = false;  // ends with "***": a directory is matched as "dir/"
        shape where = shape::name;
        std::size_t components = 0;                         // for shape::tail
        std::shared_ptr<const detail::compiled_glob> glob;  // shared: rules copy cheaply
    };
    void add(bool include, std::string_view pattern, std::string_view named_as);
    void add_old_style(bool include, std::string_view pattern);
    static bool matches(const rule& r, std::string_view relative, bool is_dir);

    std::vector<rule> rules_;
};

// The rules of the command line's filter options, in their order (throws as above).
filter_rules make_filter_rules(const std::vector<filter_arg>& args);

// Whether `text` matches the rsync glob `pattern` as a whole ('*' stays within a component,
// '**' crosses). Throws uio::usage_error when the pattern is malformed (see above).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace uio::fs
