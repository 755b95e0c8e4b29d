// endpoint: what one side of `ucopy SRC DST` names — a file tree, a data file (CSV, TSV,
// JSON Lines), a PostgreSQL table or query, or a SQLite table or query.
//
//   data/            file tree
//   sales.csv        data file (format from the extension, or --format)
//   sales.csv.gz     compressed data file (.gz: gzip, .zst: zstd; the format from what
//                    comes before the suffix, or --format)
//   postgresql://user@host/db?table=sales      ucopy's own `table=`/`query=` are removed,
//   postgresql:///db?query=SELECT%20...        the rest of the URI goes to libpq as it is
//   postgresql:///db?table=myschema.sales      a table in a schema; "a.b" (double quotes,
//                                              %22 in a shell-free URI) is one name
//   sqlite:path/to/file.db?table=sales         (or ?query=...); also sqlite:///rel.db and
//   sqlite:////abs.db as SQLAlchemy writes them (three slashes: relative, four: absolute)
//
// Anything else of the form `word://...` (mysql://, http://, sqlite://host/...) is a usage
// error, never a file name: a file literally called so is reached as ./mysql:... A SQLite
// table has no schema (ucopy opens one file and attaches nothing): `sqlite:x.db?table=s.t`
// is refused; quote a name holding a dot ("s.t").
//
// Parsing is pure (no file system access: the text and the options alone decide), so the
// parser can be fuzzed.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/compression.hpp"

namespace uio::etl {

enum class data_format { csv, tsv, jsonl };

struct file_tree_endpoint {
    std::string path;
};

struct data_file_endpoint {
    std::string path;
    data_format format = data_format::csv;
    compression compressed = compression::none;  // from a .gz or .zst suffix, or --compress
};

// A table, or (as a source only) a query.
struct relation {
    std::string table;   // empty when `query` is set; unquoted ("a.b" given is a.b)
    std::string schema;  // PostgreSQL: the table's schema, empty for the search path
    std::string query;
    bool is_query() const noexcept { return !query.empty(); }
};

struct postgres_endpoint {
    std::string conninfo;  // the URI without ucopy's parameters, as libpq takes it
    relation target;
};

struct sqlite_endpoint {
    std::string path;
    relation target;
};

using endpoint =
    std::variant<file_tree_endpoint, data_file_endpoint, postgres_endpoint, sqlite_endpoint>;

// A malformed endpoint (a usage error: exit 2); the message never contains a password.
class endpoint_error : public usage_error {
  public:
    using usage_error::usage_error;
};

struct endpoint_options {
    std::optional<data_format> format;  // --format overrides the extension
};

// Parses one command-line endpoint. A path without a data-file extension is a file tree.
endpoint parse_endpoint(std::string_view text, const endpoint_options& options = {});

// True for the endpoints that hold rows rather than files.
bool is_table_like(const endpoint& e) noexcept;

// The format for a file extension (".csv", ".tsv", ".jsonl", ".ndjson"), if it is one.
std::optional<data_format> format_from_extension(std::string_view path) noexcept;
std::optional<data_format> parse_format(std::string_view name) noexcept;
std::string_view format_name(data_format f) noexcept;

// How an endpoint is shown in messages and --dry-run (passwords redacted by
// pg::redact_conninfo).
std::string describe(const endpoint& e);

// "s.t" → {"s", "t"}; "\"a.b\"" → {"", "a.b"}; "\"My \"\"x\"\"\".t" → {"My \"x\"", "t"}. A part in
// double quotes is taken as written (a doubled quote is one); an unquoted part runs to the
// next dot, case kept (ucopy never folded names). Throws endpoint_error for an empty part,
// an unterminated quote, or more than two parts.
struct qualified_name {
    std::string schema;
    std::string table;
};
qualified_name parse_table_name(std::string_view text);

// %XX decoding for URI query values ('+' stays '+', as libpq reads URIs).
std::string percent_decode(std::string_view text);

}  // namespace uio::etl
