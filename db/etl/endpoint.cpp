// Parsing of ucopy's endpoints; see endpoint.hpp for the syntax.
#include "uio/db/etl/endpoint.hpp"

#include <cctype>
#include <optional>
#include <vector>

#include "uio/db/pg/conninfo.hpp"

namespace uio::etl {
namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) noexcept {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    }
    return true;
}

bool ends_with_nocase(std::string_view text, std::string_view suffix) noexcept {
    return text.size() >= suffix.size() &&
           starts_with_nocase(text.substr(text.size() - suffix.size()), suffix);
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Splits "key=value&key=value" into ucopy's relation and the parameters to keep for libpq.
struct split_query {
    relation target;
    std::vector<std::string_view> kept;  // still percent-encoded, as the user wrote them
};

split_query take_relation(std::string_view query, std::string_view shown) {
    split_query out;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) continue;
        std::size_t eq = item.find('=');
        std::string_view key = item.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
        if (key == "table" || key == "query") {
            std::string& slot = key == "table" ? out.target.table : out.target.query;
            if (!slot.empty()) {
                throw endpoint_error("'" + std::string(shown) + "': " + std::string(key) +
                                     "= given twice");
            }
            slot = percent_decode(value);
            if (slot.empty()) {
                throw endpoint_error("'" + std::string(shown) + "': " + std::string(key) +
                                     "= is empty");
            }
            if (slot.find('\0') != std::string::npos) {
                throw endpoint_error("'" + std::string(shown) + "': " + std::string(key) +
                                     "= holds a NUL byte (%00)");
            }
            if (key == "table") {
                try {
                    qualified_name name = parse_table_name(slot);
                    out.target.table = std::move(name.table);
                    out.target.schema = std::move(name.schema);
                } catch (const endpoint_error& e) {
                    throw endpoint_error("'" + std::string(shown) + "': " + e.what());
                }
            }
        } else {
            out.kept.push_back(item);
        }
    }
    if (!out.target.table.empty() && !out.target.query.empty()) {
        throw endpoint_error("'" + std::string(shown) + "': give table= or query=, not both");
    }
    if (out.target.table.empty() && out.target.query.empty()) {
        throw endpoint_error("'" + std::string(shown) +
                             "': name a table (?table=NAME) or a "
                             "query (?query=SELECT...)");
    }
    return out;
}

postgres_endpoint parse_postgres(std::string_view text) {
    std::string shown = pg::redact_conninfo(text);
    std::size_t question = text.find('?');
    std::string_view base = text.substr(0, question);
    std::string_view query =
        question == std::string_view::npos ? std::string_view{} : text.substr(question + 1);
    split_query split = take_relation(query, shown);
    postgres_endpoint out{std::string(base), std::move(split.target)};
    for (std::size_t i = 0; i < split.kept.size(); ++i) {
        out.conninfo += i == 0 ? '?' : '&';
        out.conninfo += split.kept[i];
    }
    return out;
}

sqlite_endpoint parse_sqlite(std::string_view text) {
    std::string_view rest = text.substr(std::string_view("sqlite:").size());
    std::size_t question = rest.find('?');
    std::string_view path = rest.substr(0, question);
    // SQLAlchemy's URLs: sqlite:///rel.db (relative), sqlite:////abs.db (absolute). Two
    // slashes then a name would be a host, which a SQLite file does not have.
    if (path.starts_with("///")) {
        path.remove_prefix(3);
    } else if (path.starts_with("//")) {
        throw endpoint_error("'" + std::string(text) +
                             "': sqlite:// names a host, which SQLite does not have; write "
                             "sqlite:PATH, sqlite:///relative.db or sqlite:////absolute.db");
    }
    if (path.empty()) {
        throw endpoint_error("'" + std::string(text) +
                             "': the SQLite endpoint needs a file: sqlite:PATH?table=NAME");
    }
    std::string_view query =
        question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
    split_query split = take_relation(query, text);
    if (!split.target.schema.empty()) {
        throw endpoint_error("'" + std::string(text) + "': SQLite tables have no schema (ucopy " +
                             "attaches no database); quote a name holding a dot: " + "table=\"" +
                             split.target.schema + "." + split.target.table + "\"");
    }
    if (!split.kept.empty()) {
        throw endpoint_error("'" + std::string(text) + "': unknown parameter '" +
                             std::string(split.kept.front()) + "' (only table= and query=)");
    }
    return sqlite_endpoint{std::string(path), std::move(split.target)};
}

// The scheme of a "word://..." URI (RFC 3986: a letter, then letters, digits, + - .).
std::optional<std::string_view> uri_scheme(std::string_view text) noexcept {
    std::size_t end = text.find("://");
    if (end == 0 || end == std::string_view::npos) return std::nullopt;
    if (!std::isalpha(static_cast<unsigned char>(text[0]))) return std::nullopt;
    for (char c : text.substr(0, end)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return std::nullopt;
        }
    }
    return text.substr(0, end);
}

}  // namespace

qualified_name parse_table_name(std::string_view text) {
    std::vector<std::string> parts;
    std::size_t i = 0;
    for (;;) {
        std::string part;
        if (i < text.size() && text[i] == '"') {
            for (++i;; ++i) {
                if (i >= text.size()) {
                    throw endpoint_error("table name " + std::string(text) +
                                         " has an unterminated double quote");
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        part += '"';
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                part += text[i];
            }
            if (i < text.size() && text[i] != '.') {
                throw endpoint_error("table name " + std::string(text) +
                                     ": a quoted name is followed by '.' or nothing");
            }
        } else {
            std::size_t dot = text.find('.', i);
            part = std::string(text.substr(i, dot == std::string_view::npos ? dot : dot - i));
            i = dot == std::string_view::npos ? text.size() : dot;
        }
        if (part.empty()) {
            throw endpoint_error("table name " + std::string(text) + " has an empty part");
        }
        parts.push_back(std::move(part));
        if (i >= text.size()) break;
        ++i;  // the dot
        if (i >= text.size()) {
            throw endpoint_error("table name " + std::string(text) + " ends with a dot");
        }
    }
    if (parts.size() > 2) {
        throw endpoint_error("table name " + std::string(text) +
                             " has more than schema.table (quote a name holding a dot: \"a.b\")");
    }
    if (parts.size() == 2) return {std::move(parts[0]), std::move(parts[1])};
    return {{}, std::move(parts[0])};
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        bool complete = i + 2 < text.size();
        int high = complete ? hex_value(text[i + 1]) : -1;
        int low = complete ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            throw endpoint_error("bad percent-encoding at '" + std::string(text.substr(i, 3)) +
                                 "'");
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::optional<data_format> format_from_extension(std::string_view path) noexcept {
    if (ends_with_nocase(path, ".csv")) return data_format::csv;
    if (ends_with_nocase(path, ".tsv")) return data_format::tsv;
    if (ends_with_nocase(path, ".jsonl") || ends_with_nocase(path, ".ndjson")) {
        return data_format::jsonl;
    }
    return std::nullopt;
}

std::optional<data_format> parse_format(std::string_view name) noexcept {
    if (name == "csv") return data_format::csv;
    if (name == "tsv") return data_format::tsv;
    if (name == "jsonl" || name == "ndjson") return data_format::jsonl;
    return std::nullopt;
}

std::string_view format_name(data_format f) noexcept {
    switch (f) {
        case data_format::csv:
            return "csv";
        case data_format::tsv:
            return "tsv";
        case data_format::jsonl:
            return "jsonl";
    }
    return "?";
}

endpoint parse_endpoint(std::string_view text, const endpoint_options& options) {
    if (text.empty()) throw endpoint_error("an empty path is not an endpoint");
    if (starts_with_nocase(text, "postgresql://") || starts_with_nocase(text, "postgres://")) {
        return parse_postgres(text);
    }
    if (starts_with_nocase(text, "sqlite:")) return parse_sqlite(text);
    if (std::optional<std::string_view> scheme = uri_scheme(text)) {
        // Only the scheme is shown: the rest may hold a password.
        throw endpoint_error("unknown scheme '" + std::string(*scheme) +
                             "://' (table endpoints are postgresql://, postgres:// and sqlite:; "
                             "a file of that name is ./" +
                             std::string(*scheme) + ":...)");
    }
    compression_suffix suffix = split_compression_suffix(text);
    if (std::optional<data_format> f =
            options.format ? options.format : format_from_extension(suffix.rest)) {
        return data_file_endpoint{std::string(text), *f, suffix.kind};
    }
    return file_tree_endpoint{std::string(text)};
}

bool is_table_like(const endpoint& e) noexcept {
    return !std::holds_alternative<file_tree_endpoint>(e);
}

std::string describe(const endpoint& e) {
    struct visitor {
        std::string operator()(const file_tree_endpoint& t) const { return "tree " + t.path; }
        std::string operator()(const data_file_endpoint& f) const {
            std::string out = std::string(format_name(f.format)) + " file " + f.path;
            if (f.compressed != compression::none) {
                out += " (" + std::string(compression_name(f.compressed)) + ")";
            }
            return out;
        }
        std::string operator()(const postgres_endpoint& p) const {
            std::string shown = pg::redact_conninfo(p.conninfo);
            return "PostgreSQL " + (shown.empty() ? "" : shown + " ") + what(p.target);
        }
        std::string operator()(const sqlite_endpoint& s) const {
            return "SQLite " + s.path + " " + what(s.target);
        }
        static std::string what(const relation& r) {
            if (r.is_query()) return "query " + r.query;
            return "table " + (r.schema.empty() ? "" : r.schema + ".") + r.table;
        }
    };
    return std::visit(visitor{}, e);
}

}  // namespace uio::etl
