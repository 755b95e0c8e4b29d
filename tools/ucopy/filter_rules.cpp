// The glob matcher is a dynamic program over (pattern position, text position), so patterns
// like "*a*a*a*b" take time proportional to their length times the path's, never exponential.
#include "filter_rules.hpp"

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace ucopy {

namespace {

// One pattern element.
struct token {
    enum class kind { literal, any_one, star, double_star, set } what = kind::literal;
    char ch = 0;
    std::string set;  // for `set`: the characters and ranges between the brackets
    bool negated = false;
};

std::vector<token> tokenize(std::string_view p) {
    std::vector<token> out;
    for (std::size_t i = 0; i < p.size(); ++i) {
        token t;
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            t.ch = p[++i];
        } else if (c == '?') {
            t.what = token::kind::any_one;
        } else if (c == '*') {
            if (i + 1 < p.size() && p[i + 1] == '*') {
                t.what = token::kind::double_star;
                while (i + 1 < p.size() && p[i + 1] == '*') ++i;
            } else {
                t.what = token::kind::star;
            }
        } else if (c == '[') {
            std::size_t j = i + 1;
            bool negated = j < p.size() && (p[j] == '!' || p[j] == '^');
            if (negated) ++j;
            std::size_t end = j < p.size() && p[j] == ']' ? j + 1 : j;  // "[]x]" holds ']'
            while (end < p.size() && p[end] != ']') ++end;
            if (end >= p.size()) {
                t.ch = c;  // no closing bracket: a literal '['
            } else {
                t.what = token::kind::set;
                t.negated = negated;
                t.set = std::string(p.substr(j, end - j));
                i = end;
            }
        } else {
            t.ch = c;
        }
        out.push_back(std::move(t));
    }
    return out;
}

bool in_set(const token& t, char c) {
    bool found = false;
    for (std::size_t i = 0; i < t.set.size() && !found; ++i) {
        if (i + 2 < t.set.size() && t.set[i + 1] == '-') {
            found = t.set[i] <= c && c <= t.set[i + 2];
            i += 2;
        } else {
            found = t.set[i] == c;
        }
    }
    return found != t.negated;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    const std::vector<token> tokens = tokenize(pattern);
    const std::size_t n = text.size();
    // reach[j]: the tokens so far can match text[0, j).
    std::vector<char> reach(n + 1, 0), next(n + 1, 0);
    reach[0] = 1;
    for (const token& t : tokens) {
        std::fill(next.begin(), next.end(), 0);
        if (t.what == token::kind::star || t.what == token::kind::double_star) {
            const bool crosses = t.what == token::kind::double_star;
            for (std::size_t j = 0; j <= n; ++j) {
                if (reach[j]) {
                    next[j] = 1;
                } else if (j > 0 && next[j - 1] && (crosses || text[j - 1] != '/')) {
                    next[j] = 1;
                }
            }
        } else {
            for (std::size_t j = 0; j < n; ++j) {
                if (!reach[j]) continue;
                const char c = text[j];
                const bool ok = t.what == token::kind::literal   ? c == t.ch
                                : t.what == token::kind::any_one ? c != '/'
                                                                 : c != '/' && in_set(t, c);
                if (ok) next[j + 1] = 1;
            }
        }
        reach.swap(next);
    }
    return reach[n] != 0;
}

void filter_rules::add(bool include, std::string_view pattern) {
    rule r;
    r.include = include;
    if (!pattern.empty() && pattern.back() == '/') {
        r.dirs_only = true;
        pattern.remove_suffix(1);
    }
    if (!pattern.empty() && pattern.front() == '/') {
        r.anchored = true;
        pattern.remove_prefix(1);
    }
    if (pattern.empty()) throw std::invalid_argument("an empty filter pattern");
    r.whole_path = r.anchored || pattern.find('/') != std::string_view::npos ||
                   pattern.find("**") != std::string_view::npos;
    r.pattern = std::string(pattern);
    rules_.push_back(std::move(r));
}

void filter_rules::add_exclude(std::string_view pattern) {
    add(false, pattern);
}

void filter_rules::add_include(std::string_view pattern) {
    add(true, pattern);
}

void filter_rules::add_rule(std::string_view text) {
    for (auto [prefix, include] : {std::pair{"+ ", true}, std::pair{"- ", false},
                                   std::pair{"include ", true}, std::pair{"exclude ", false}}) {
        const std::string_view p = prefix;
        if (text.substr(0, p.size()) == p) {
            add(include, text.substr(p.size()));
            return;
        }
    }
    throw std::invalid_argument("unknown filter rule '" + std::string(text) +
                                "' (expected '+ PATTERN' or '- PATTERN')");
}

void filter_rules::add_exclude_from(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot read exclude file '" + path + "'");
    }
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.rfind("+ ", 0) == 0 || line.rfind("- ", 0) == 0) {
            add_rule(line);
        } else {
            add_exclude(line);
        }
    }
}

bool filter_rules::excluded(std::string_view relative, bool is_dir) const {
    for (const rule& r : rules_) {
        if (r.dirs_only && !is_dir) continue;
        bool matched = false;
        if (r.anchored) {
            matched = glob_match(r.pattern, relative);
        } else if (!r.whole_path) {
            const std::size_t slash = relative.rfind('/');
            matched = glob_match(
                r.pattern, slash == std::string_view::npos ? relative : relative.substr(slash + 1));
        } else {
            // Unanchored with a '/': any suffix of the path that starts a component.
            for (std::size_t at = 0; !matched && at != std::string_view::npos;) {
                matched = glob_match(r.pattern, relative.substr(at));
                const std::size_t slash = relative.find('/', at);
                at = slash == std::string_view::npos ? slash : slash + 1;
            }
        }
        if (matched) return !r.include;
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

}  // namespace ucopy
