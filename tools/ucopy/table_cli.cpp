// table_cli: table copies' options on CLI11, mapped onto table_copy_options.
#include "table_cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/run_table_copy.hpp"

namespace uio::etl {

namespace {

constexpr const char* help_text = R"(
Table copies: ucopy [OPTIONS] SRC DST, when SRC or DST is a table
  sales.csv, sales.tsv, events.jsonl   a data file; the format comes from the extension
                                       (.csv, .tsv, .jsonl, .ndjson) or --format
  sales.csv.gz, events.jsonl.zst       a gzip or zstd compressed data file (read and
                                       written as a stream; see --compress)
  postgresql://user@host/db?table=sales
  postgresql:///db?query=SELECT%20...  a PostgreSQL table, or a query (as a source only);
                                       table= and query= are ucopy's, the rest of the URI
                                       goes to libpq; host, port and user left out come from
                                       PGHOST, PGPORT, PGUSER... as in psql (postgres:// too)
  sqlite:path/to/file.db?table=sales   a SQLite table (or ?query=... as a source); the
                                       file is created if missing
A copy is a table copy when SRC or DST is a postgresql://, postgres:// or sqlite: endpoint;
`ucopy a.csv b.csv` stays a byte copy. (Reach a file named sqlite:x as ./sqlite:x.)

Table options:
  --format csv|tsv|jsonl   data file format (default: from the extension)
  --delimiter C            field delimiter (default ',' or TAB for .tsv; \t for TAB)
  --quote C                quote character (default ")
  --header / --no-header   the first row names the columns (default: --header)
  --null STRING            an unquoted field equal to STRING is NULL
  --encoding utf-8         input encoding: only UTF-8 (checked; a BOM is accepted)
  --mode MODE              append (default), replace, fail-if-exists or upsert
  --key col[,col...]       upsert's key: a row whose key is in the table updates that
                           row, the others are added (the table needs a unique index or
                           primary key on exactly these columns; a created one gets it)
  --schema 'col type,...'  column types for a table that is created
  --max-errors N           skip up to N bad rows ...
  --rejects FILE           ... and write them, with line and reason, to FILE
  --dry-run                print the plan (endpoints, columns, types, mode) only
  --fsync                  make an exported file durable before it is renamed into place
  --compress gzip|zstd     compress an exported file (implied by a .gz or .zst suffix)
  --connections N          load a data file into PostgreSQL over N COPY streams, through
                           a staging table published in one transaction (default 1)
  --stats=json             print rows, bytes, seconds and errors on stdout at the end
  --no-progress            no progress line on stderr

NULL and empty strings stay distinct: an unquoted empty field is NULL, "" is an empty
string (PostgreSQL's CSV rule), and exports write them the same way; in JSON Lines, null
and "". A load is one transaction: when it fails the table is exactly as it was. Upsert:
when the input repeats a key, its last row wins; a NULL key is a bad row. An export
is written to a hidden temporary file, renamed into place only when complete (with
--fsync, only once it is on disk).
Exit status: 0 done; 1 failed: bad data (the message names file:line:column or the row),
an I/O or a database failure; 2 usage (the command line); 70 internal error (a bug).
)";

bool usage_failure(const std::string& message) {
    std::cerr << "ucopy: " << message << "\n";
    return false;
}

// Checks and maps the parsed strings; false (after a message) on a usage error.
struct raw_options {
    std::string format, delimiter, quote = "\"", null_string, mode = "append", stats, encoding, key;
    std::string compress;
    bool header = false, no_header = false, no_progress = false, null_given = false;
};

// --key "a, b" → {"a", "b"}; only with --mode upsert, which needs it.
bool finish_key(const std::string& text, table_copy_options& o) {
    if (o.mode != load_mode::upsert) {
        return text.empty() || usage_failure("--key goes with --mode upsert");
    }
    if (text.empty()) return usage_failure("--mode upsert needs --key col[,col...]");
    std::size_t at = 0;
    for (;;) {
        std::size_t comma = text.find(',', at);
        std::string name = text.substr(at, comma == std::string::npos ? comma : comma - at);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (name.empty()) return usage_failure("--key '" + text + "' has an empty column name");
        if (std::find(o.key.begin(), o.key.end(), name) != o.key.end()) {
            return usage_failure("--key names '" + name + "' twice");
        }
        o.key.push_back(name);
        if (comma == std::string::npos) return true;
        at = comma + 1;
    }
}

bool finish_options(const raw_options& r, table_copy_options& o, endpoint_options& eo) {
    if (!r.encoding.empty() && r.encoding != "utf-8" && r.encoding != "UTF-8" &&
        r.encoding != "utf8") {
        return usage_failure("only UTF-8 input is supported (--encoding " + r.encoding + ")");
    }
    if (r.header && r.no_header) {
        return usage_failure("--header and --no-header contradict each other");
    }
    o.header = !r.no_header;
    o.progress = !r.no_progress;
    o.stats_json = r.stats == "json";
    o.mode = *parse_load_mode(r.mode);
    if (!finish_key(r.key, o)) return false;
    if (r.null_given) o.null_string = r.null_string;
    std::string delimiter = r.delimiter == "\\t" || r.delimiter == "tab" ? "\t" : r.delimiter;
    if (!delimiter.empty()) {
        if (delimiter.size() != 1) return usage_failure("--delimiter must be one character");
        o.delimiter = delimiter[0];
    }
    if (r.quote.size() != 1) return usage_failure("--quote must be one character");
    o.quote = r.quote[0];
    if (!r.compress.empty()) o.compress = parse_compression(r.compress);
    if (!r.format.empty()) {
        eo.format = parse_format(r.format);
        if (!eo.format)
            return usage_failure("unknown --format '" + r.format + "' (csv, tsv, jsonl)");
        o.format = eo.format;
    }
    return true;
}

}  // namespace

bool names_table(std::string_view arg) noexcept {
    return arg.starts_with("postgresql://") || arg.starts_with("postgres://") ||
           (arg.starts_with("sqlite:") && arg.size() > 7);
}

bool is_table_command(int argc, char** argv) noexcept {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (!arg.starts_with("-") && names_table(arg)) return true;
    }
    return false;
}

const char* table_help_text() noexcept {
    return help_text;
}

int table_command_main(int argc, char** argv, const char* program) {
    CLI::App app{"copy rows between CSV/TSV/JSON Lines files, PostgreSQL and SQLite", program};
    app.footer(help_text);
    table_copy_options o;
    raw_options r;
    std::string source_text, destination_text;
    bool progress = false;
    app.add_option("SRC", source_text, "where the rows come from")->required();
    app.add_option("DST", destination_text, "where the rows go")->required();
    app.add_option("--format", r.format,
                   "data file format: csv, tsv or jsonl (default: extension)");
    app.add_option("--delimiter", r.delimiter,
                   "field delimiter (default ',' or TAB for .tsv); \\t for TAB");
    app.add_option("--quote", r.quote, "quote character (default \")");
    app.add_flag("--header", r.header, "the first row names the columns (default)");
    app.add_flag("--no-header", r.no_header, "the file has no header row (columns c1, c2...)");
    app.add_option("--null", r.null_string, "an unquoted field equal to this is NULL");
    app.add_option("--encoding", r.encoding, "input encoding; only utf-8 (checked, BOM accepted)");
    app.add_option("--mode", r.mode,
                   "for an existing table: append, replace, fail-if-exists or upsert")
        ->check(CLI::IsMember({"append", "replace", "fail-if-exists", "upsert"}));
    app.add_option("--key", r.key, "upsert's key columns: col[,col...]");
    app.add_option("--schema", o.schema, "column types for a created table: 'col type, ...'");
    app.add_option("--max-errors", o.max_errors, "skip up to N bad rows (default 0)");
    app.add_option("--rejects", o.rejects_path, "write skipped rows, with line and reason, here");
    app.add_flag("--dry-run", o.dry_run, "print the plan (endpoints, columns, types, mode) only");
    app.add_flag("--fsync", o.fsync, "make an exported file durable (fsync) before its rename");
    app.add_option("--compress", r.compress, "compress an exported file: gzip or zstd")
        ->check(CLI::IsMember({"gzip", "zstd"}));
    app.add_option("--connections", o.connections,
                   "load into PostgreSQL over N COPY streams (staging table, one publish)");
    app.add_flag("--progress", progress, "a progress line on stderr (default when a terminal)");
    app.add_flag("--no-progress", r.no_progress, "no progress line on stderr");
    app.add_option("--stats", r.stats, "print statistics at the end: json")
        ->check(CLI::IsMember({"json"}));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError& e) {
        std::cerr << "ucopy: " << e.what() << "\nTry '" << program
                  << " --help' for more information.\n";
        return exit_code(error_kind::usage);
    }
    r.null_given = app.count("--null") > 0;
    endpoint_options eo;
    if (!finish_options(r, o, eo)) return exit_code(error_kind::usage);
    try {
        auto source = parse_endpoint(source_text, eo);
        auto destination = parse_endpoint(destination_text, eo);
        return run_table_copy(o, source, destination, std::cerr, std::cout);
    } catch (const std::exception& e) {
        std::cerr << failure_message("ucopy", e) << "\n";
        return exit_code(kind_of(e));
    }
}

}  // namespace uio::etl
