// table_copy_cli: table copies' options on CLI11, mapped onto table_copy_options.
#include "table_copy_cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "test_hooks.hpp"
#include "uio/core/error_kind.hpp"
#include "uio/db/etl/copy_table_and_report.hpp"

namespace uio::etl {

namespace {

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

// The table-copy options bound to what they set: the one option table, which
// table_copy_main parses with and tools/cli_doc turns into the man page and completions.
// Not movable: the app holds references to the members.
struct table_copy_command_line {
    table_copy_options o;
    raw_options r;
    std::string source_text, destination_text;
    bool progress = false;
    CLI::App app;

    explicit table_copy_command_line(const std::string& program)
        : app{"copy rows between CSV/TSV/JSON Lines files, PostgreSQL and SQLite", program} {
        app.footer(table_copy_help_footer());
        app.set_version_flag("-V,--version", std::string(program) + " " UIO_VERSION " (uio)");
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
        app.add_flag("--strict", o.strict,
                     "refuse a quote inside an unquoted CSV field or text after a closing quote "
                     "(read as PostgreSQL's COPY does by default, and counted)");
        app.add_option("--encoding", r.encoding,
                       "input encoding; only utf-8 (checked, BOM accepted)");
        app.add_option("--mode", r.mode,
                       "for an existing table: append, replace, fail-if-exists or upsert")
            ->check(CLI::IsMember({"append", "replace", "fail-if-exists", "upsert"}));
        app.add_option("--key", r.key, "upsert's key columns: col[,col...]");
        app.add_option("--schema", o.schema, "column types for a created table: 'col type, ...'");
        app.add_option("--max-errors", o.max_errors, "skip up to N bad rows (default 0)");
        app.add_option("--rejects", o.rejects_path,
                       "write skipped rows, with line and reason, here");
        app.add_flag("--dry-run", o.dry_run,
                     "print the plan (endpoints, columns, types, mode) only");
        app.add_flag("--fsync", o.fsync, "make an exported file durable (fsync) before its rename");
        app.add_option("--compress", r.compress, "compress an exported file: gzip or zstd")
            ->check(CLI::IsMember({"gzip", "zstd"}));
        app.add_option("--connections", o.connections,
                       "load into PostgreSQL over N COPY streams (staging table, one publish)");
        app.add_flag("--progress", progress, "a progress line on stderr (default when a terminal)");
        app.add_flag("--no-progress", r.no_progress, "no progress line on stderr");
        app.add_option("--stats", r.stats, "print statistics at the end: json")
            ->check(CLI::IsMember({"json"}));
        app.add_flag("-v,--verbose", o.verbose,
                     "say what was copied, and how many rows, on stderr");
    }
    table_copy_command_line(const table_copy_command_line&) = delete;
    table_copy_command_line& operator=(const table_copy_command_line&) = delete;
};

}  // namespace

std::shared_ptr<const CLI::App> table_copy_app(const char* program) {
    auto line = std::make_shared<table_copy_command_line>(program);
    return {line, &line->app};  // shares ownership of the values the options are bound to
}

int table_copy_main(int argc, char** argv, const char* program, ucopy::test_hooks* hooks) {
    table_copy_command_line line(program);
    auto& [o, r, source_text, destination_text, progress, app] = line;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << "\n";
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
        if (hooks) hooks->table_copy_starting(o);
        auto source = parse_endpoint(source_text, eo);
        auto destination = parse_endpoint(destination_text, eo);
        return copy_table_and_report(o, source, destination, std::cerr, std::cout);
    } catch (const std::exception& e) {
        std::cerr << failure_message("ucopy", e) << "\n";
        return exit_code(kind_of(e));
    }
}

}  // namespace uio::etl
