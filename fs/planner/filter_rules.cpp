// Each pattern is parsed once, when its rule is added, into tokens; matching an entry is then a
// dynamic program over (token, text position), so patterns like "*a*a*a*b" take time
// proportional to their length times the path's, never exponential, and allocate no tokens
// per entry. The parsing follows rsync's wildmatch.c, the rule shapes its exclude.c.
#include "uio/fs/planner/filter_rules.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace uio::fs {

namespace {

// One member of a character class: a byte range, or a POSIX name ("[:digit:]").
struct class_member {
    unsigned char low = 0, high = 0;
    bool (*named)(unsigned char) = nullptr;
};

// One pattern element.
struct token {
    enum class kind { literal, any_one, star, double_star, set } what = kind::literal;
    unsigned char ch = 0;               // for `literal`
    bool negated = false;               // for `set`
    std::vector<class_member> members;  // for `set`
};

// ASCII, whatever the locale: a filter means the same on every machine.
bool is_upper(unsigned char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_lower(unsigned char c) {
    return c >= 'a' && c <= 'z';
}
bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(unsigned char c) {
    return is_upper(c) || is_lower(c);
}
bool is_alnum(unsigned char c) {
    return is_alpha(c) || is_digit(c);
}
bool is_graph(unsigned char c) {
    return c > ' ' && c < 127;
}

struct named_class {
    std::string_view name;
    bool (*test)(unsigned char);
};
constexpr named_class named_classes[] = {
    {"alnum", is_alnum},
    {"alpha", is_alpha},
    {"blank", [](unsigned char c) { return c == ' ' || c == '\t'; }},
    {"cntrl", [](unsigned char c) { return c < ' ' || c == 127; }},
    {"digit", is_digit},
    {"graph", is_graph},
    {"lower", is_lower},
    {"print", [](unsigned char c) { return c >= ' ' && c < 127; }},
    {"punct", [](unsigned char c) { return is_graph(c) && !is_alnum(c); }},
    {"space", [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }},
    {"upper", is_upper},
    {"xdigit",
     [](unsigned char c) {
         return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
     }},
};

// Parses a class whose '[' is just before p[i] into `t`; returns the position of its ']'.
std::size_t parse_class(std::string_view p, std::size_t i, token& t) {
    t.what = token::kind::set;
    if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
        t.negated = true;
        ++i;
    }
    const auto single = [&t](unsigned char c) { t.members.push_back({c, c, nullptr}); };
    int previous = -1;  // the last single character, which a following '-' makes a range's start
    for (bool first = true;; ++i, first = false) {
        if (i >= p.size()) throw uio::usage_error("an unclosed '['");
        const unsigned char c = p[i];
        if (c == ']' && !first) return i;  // a ']' first is a member: "[]x]"
        if (c == '\\') {
            if (++i >= p.size()) throw uio::usage_error("an unclosed '['");
            single(p[i]);
            previous = static_cast<unsigned char>(p[i]);
        } else if (c == '-' && previous >= 0 && i + 1 < p.size() && p[i + 1] != ']') {
            unsigned char high = p[++i];
            if (high == '\\') {
                if (++i >= p.size()) throw uio::usage_error("an unclosed '['");
                high = p[i];
            }
            t.members.push_back({static_cast<unsigned char>(previous), high, nullptr});
            previous = -1;  // "a-c-e" is a range, then a literal '-' and 'e'
        } else if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
            const std::size_t close = p.find(']', i + 2);
            if (close == std::string_view::npos) throw uio::usage_error("an unclosed '['");
            if (close < i + 3 || p[close - 1] != ':') {  // no ":]": a literal '[' (rsync's way)
                single('[');
                previous = '[';
                continue;
            }
            const std::string_view name = p.substr(i + 2, close - 1 - (i + 2));
            const auto found =
                std::find_if(std::begin(named_classes), std::end(named_classes),
                             [name](const named_class& n) { return n.name == name; });
            if (found == std::end(named_classes)) {
                throw uio::usage_error("an unknown character class '[:" + std::string(name) +
                                       ":]'");
            }
            t.members.push_back({0, 0, found->test});
            previous = -1;
            i = close;
        } else {
            single(c);
            previous = c;
        }
    }
}

bool in_set(const token& t, unsigned char c) {
    if (c == '/') return false;  // a class never matches '/', negated or not
    const bool found = std::any_of(t.members.begin(), t.members.end(), [c](const class_member& m) {
        return m.named != nullptr ? m.named(c) : m.low <= c && c <= m.high;
    });
    return found != t.negated;
}

// Throws uio::usage_error with the problem when `p` is malformed.
std::vector<token> tokenize(std::string_view p) {
    std::vector<token> out;
    // rsync: without '*', '?' or '[' a pattern is a plain string, backslashes included.
    const bool wild = p.find_first_of("*?[") != std::string_view::npos;
    for (std::size_t i = 0; i < p.size(); ++i) {
        token t;
        const unsigned char c = p[i];
        if (!wild) {
            t.ch = c;
        } else if (c == '\\') {
            if (i + 1 == p.size()) throw uio::usage_error("a lone '\\' at the end");
            t.ch = p[++i];
        } else if (c == '?') {
            t.what = token::kind::any_one;
        } else if (c == '*') {
            t.what = token::kind::star;
            while (i + 1 < p.size() && p[i + 1] == '*') {
                t.what = token::kind::double_star;  // "***" is "**" too
                ++i;
            }
        } else if (c == '[') {
            i = parse_class(p, i + 1, t);
        } else {
            t.ch = c;
        }
        out.push_back(std::move(t));
    }
    return out;
}

// Whether `tokens` match all of `text`, from its start or, when `any_component`, from the
// start of any of its components.
bool match(const std::vector<token>& tokens, std::string_view text, bool any_component) {
    const std::size_t n = text.size();
    // reach[j]: the tokens so far can match text[start, j) for an allowed start.
    std::vector<char> reach(n + 1, 0), next(n + 1, 0);
    reach[0] = 1;
    for (std::size_t j = 1; any_component && j <= n; ++j) reach[j] = text[j - 1] == '/';
    for (const token& t : tokens) {
        bool any = false;
        if (t.what == token::kind::star || t.what == token::kind::double_star) {
            const bool crosses = t.what == token::kind::double_star;
            for (std::size_t j = 0; j <= n; ++j) {
                next[j] = reach[j] || (j > 0 && next[j - 1] && (crosses || text[j - 1] != '/'));
                any = any || next[j];
            }
        } else {
            next[0] = 0;
            for (std::size_t j = 0; j < n; ++j) {
                const unsigned char c = text[j];
                const bool ok = t.what == token::kind::literal   ? c == t.ch
                                : t.what == token::kind::any_one ? c != '/'
                                                                 : in_set(t, c);
                next[j + 1] = reach[j] && ok;
                any = any || next[j + 1];
            }
        }
        if (!any) return false;  // nothing left to extend
        reach.swap(next);
    }
    return reach[n] != 0;
}

}  // namespace

namespace detail {
struct compiled_glob {
    std::vector<token> tokens;
};
}  // namespace detail

bool glob_match(std::string_view pattern, std::string_view text) {
    return match(tokenize(pattern), text, false);
}

void filter_rules::add(bool include, std::string_view pattern, std::string_view named_as) {
    const auto refuse = [named_as](const std::string& problem) {
        return uio::usage_error(std::string(named_as) + ": " + problem);
    };
    rule r;
    r.include = include;
    if (!pattern.empty() && pattern.back() == '/') {
        r.dirs_only = true;
        pattern.remove_suffix(1);
    }
    const bool anchored = !pattern.empty() && pattern.front() == '/';
    if (anchored) pattern.remove_prefix(1);
    if (pattern.empty()) throw refuse("an empty pattern");
    const bool double_star = pattern.find("**") != std::string_view::npos;
    const auto slashes = static_cast<std::size_t>(std::count(pattern.begin(), pattern.end(), '/'));
    // rsync counts every '/', even one in a class ("[!/]") or escaped, which then never matches.
    if (anchored) {
        r.where = shape::anchored;
    } else if (pattern.starts_with("**")) {
        r.where = shape::from_root;
    } else if (double_star) {
        r.where = shape::anywhere;
    } else if (slashes > 0) {
        r.where = shape::tail;
        r.components = slashes + 1;
    }
    r.dir_itself = pattern.ends_with("***");
    auto glob = std::make_shared<detail::compiled_glob>();
    try {
        glob->tokens = tokenize(pattern);
    } catch (const uio::usage_error& e) {
        throw refuse(e.what());
    }
    r.glob = std::move(glob);
    rules_.push_back(std::move(r));
}

// rsync reads "+ " and "- " at the start of --include and --exclude patterns as rules too.
void filter_rules::add_old_style(bool include, std::string_view pattern) {
    const std::string named = "filter pattern '" + std::string(pattern) + "'";
    if (pattern.starts_with("+ ") || pattern.starts_with("- ")) {
        add(pattern[0] == '+', pattern.substr(2), named);
    } else {
        add(include, pattern, named);
    }
}

void filter_rules::add_exclude(std::string_view pattern) {
    add_old_style(false, pattern);
}

void filter_rules::add_include(std::string_view pattern) {
    add_old_style(true, pattern);
}

void filter_rules::add_rule(std::string_view text) {
    const std::string named = "filter rule '" + std::string(text) + "'";
    for (auto [name, include] : {std::pair{"+", true}, std::pair{"-", false},
                                 std::pair{"include", true}, std::pair{"exclude", false}}) {
        const std::string_view n = name;
        // The name, then one space or '_'; any more are part of the pattern (rsync's reading).
        if (text.size() > n.size() && text.starts_with(n) &&
            (text[n.size()] == ' ' || text[n.size()] == '_')) {
            add(include, text.substr(n.size() + 1), named);
            return;
        }
    }
    if (text == "+" || text == "-" || text == "include" || text == "exclude") {
        throw uio::usage_error(named + ": no pattern");
    }
    throw uio::usage_error("unknown " + named + " (expected '+ PATTERN' or '- PATTERN')");
}

void filter_rules::add_exclude_from(const std::string& path) {
    const auto failed = [&path](int error) {
        return std::system_error(error, std::generic_category(),
                                 "cannot read exclude file '" + path + "'");
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw failed(errno);
    std::string text;
    for (char buffer[8192];;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            const int error = errno;  // EISDIR for a directory: refused, not read as no rules
            ::close(fd);
            throw failed(error);
        }
        if (got == 0) break;
        text.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);

    // Lines end at '\n' or '\r', as rsync reads them; numbered by '\n' for messages.
    std::size_t line_number = 1;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find_first_of("\r\n", start);
        if (end == std::string::npos) end = text.size();
        const std::string_view line = std::string_view(text).substr(start, end - start);
        if (!line.empty() && line[0] != '#' && line[0] != ';') {
            try {
                add_exclude(line);
            } catch (const uio::usage_error& e) {
                throw uio::usage_error("exclude file '" + path + "' line " +
                                       std::to_string(line_number) + ": " + e.what());
            }
        }
        if (end < text.size() && text[end] == '\n') ++line_number;
        start = end + 1;
    }
}

bool filter_rules::matches(const rule& r, std::string_view relative, bool is_dir) {
    if (r.dirs_only && !is_dir) return false;
    const std::vector<token>& tokens = r.glob->tokens;
    switch (r.where) {
        case shape::name:
        case shape::tail: {
            // The last `components` components; a shorter path cannot match.
            std::size_t start = relative.size(), left = std::max<std::size_t>(r.components, 1);
            while (left > 0 && start > 0) {
                if (relative[--start] == '/' && --left == 0) ++start;
            }
            if (left > 1) return false;
            return match(tokens, relative.substr(start), false);
        }
        case shape::anchored:
        case shape::anywhere:
            if (!(r.dir_itself && is_dir)) {
                return match(tokens, relative, r.where == shape::anywhere);
            }
            break;
        case shape::from_root:
            break;
    }
    // rsync matches "**/x" against "/" + path, so "x" at the root matches too, and for
    // "dir/***" a directory as "dir/", so that dir itself matches.
    std::string text;
    text.reserve(relative.size() + 2);
    if (r.where == shape::from_root) text += '/';
    text += relative;
    if (r.dir_itself && is_dir) text += '/';
    return match(tokens, text, r.where == shape::anywhere);
}

bool filter_rules::excluded(std::string_view relative, bool is_dir) const {
    for (const rule& r : rules_) {
        if (matches(r, relative, is_dir)) return !r.include;
    }
    return false;
}

filter_rules make_filter_rules(const std::vector<filter_arg>& args) {
    filter_rules rules;
    for (const filter_arg& a : args) {
        switch (a.what) {
            case filter_arg::kind::exclude:
                rules.add_exclude(a.text);
                break;
            case filter_arg::kind::include:
                rules.add_include(a.text);
                break;
            case filter_arg::kind::rule:
                rules.add_rule(a.text);
                break;
            case filter_arg::kind::exclude_from:
                rules.add_exclude_from(a.text);
                break;
        }
    }
    return rules;
}

}  // namespace uio::fs
