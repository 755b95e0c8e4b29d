// filter_rules: rsync's include/exclude rules, for --exclude, --include, --filter and
// --exclude-from. Rules are tried in the order given and the first that matches decides;
// an entry no rule matches is included. Patterns follow rsync's:
//   "name"    (no '/')       the last component at any depth: "*.o", "cache"
//   "a/b"     (a '/' inside) the end of the path, at a component boundary
//   "/a"      (leading '/')  anchored at the transfer root (the source's contents)
//   "dir/"    (trailing '/') directories only
//   '*' any run within a component, '**' anything across '/', '?' one character, '[a-z]'
//   a class ('!' or '^' negates), '\' escapes the next character.
// An excluded directory is not walked, so nothing below it is copied (or deleted).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace ucopy {

class filter_rules {
  public:
    void add_exclude(std::string_view pattern);
    void add_include(std::string_view pattern);
    // "+ PATTERN", "- PATTERN", "include PATTERN", "exclude PATTERN"; throws
    // std::invalid_argument naming the rule otherwise.
    void add_rule(std::string_view rule);
    // One pattern per line (an exclude, or a rule when it starts with "+ " or "- "); blank
    // lines and lines starting with '#' or ';' are skipped. Throws std::system_error naming
    // the file when it cannot be read.
    void add_exclude_from(const std::string& path);

    bool empty() const noexcept { return rules_.empty(); }
    // `relative`: below the transfer root, '/'-separated, no leading '/'.
    bool excluded(std::string_view relative, bool is_dir) const;

  private:
    struct rule {
        bool include = false;
        bool dirs_only = false;
        bool anchored = false;
        bool whole_path = false;  // has a '/' inside: matched against path suffixes
        std::string pattern;
    };
    void add(bool include, std::string_view pattern);

    std::vector<rule> rules_;
};

// The rules of the command line's filter options, in their order (throws as above).
filter_rules make_filter_rules(const std::vector<filter_arg>& args);

// Whether `text` matches the glob `pattern` ('*' stays within a component, '**' crosses).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace ucopy
