// ucopy-table: the table side of ucopy as its own program until ucopy's main takes it over.
//   ucopy-table [OPTIONS] SRC DST
#include <CLI/CLI.hpp>

#include <iostream>

#include "etl_main.hpp"

namespace {

constexpr const char* endpoint_help = R"(
Endpoints (SRC and DST):
  sales.csv, sales.tsv, events.jsonl   a data file; the format comes from the extension
                                       (.csv, .tsv, .jsonl, .ndjson) or --format
  postgresql://user@host/db?table=sales
  postgresql:///db?query=SELECT%20...  a PostgreSQL table, or a query (as a source only);
                                       table= and query= are ucopy's, the rest of the URI
                                       goes to libpq; host, port and user left out come from
                                       PGHOST, PGPORT, PGUSER... as in psql
  sqlite:path/to/file.db?table=sales   a SQLite table (or ?query=... as a source); the
                                       file is created if missing

NULL and empty strings stay distinct: an unquoted empty field is NULL, "" is an empty
string (PostgreSQL's CSV rule), and exports write them the same way.
A load is one transaction: when it fails the table is exactly as it was. An export is
written to a hidden temporary file, renamed into place only when complete.
Exit codes: 0 done, 1 failed, 2 usage.
)";

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ucopy-table: copy rows between CSV/TSV/JSON Lines files, PostgreSQL and SQLite"};
    app.footer(endpoint_help);
    uio::etl::table_copy_options o;
    std::string source_text, destination_text, format, delimiter, quote = "\"", null_string,
                                                                  mode = "append", stats, encoding;
    bool no_header = false, header = false, no_progress = false;
    app.add_option("SRC", source_text, "where the rows come from")->required();
    app.add_option("DST", destination_text, "where the rows go")->required();
    app.add_option("--format", format, "data file format: csv, tsv or jsonl (default: extension)");
    app.add_option("--delimiter", delimiter,
                   "field delimiter (default ',' or TAB for .tsv); \\t for TAB");
    app.add_option("--quote", quote, "quote character (default \")");
    app.add_flag("--header", header, "the first row names the columns (default)");
    app.add_flag("--no-header", no_header, "the file has no header row (columns c1, c2...)");
    app.add_option("--null", null_string, "an unquoted field equal to this is NULL");
    app.add_option("--encoding", encoding, "input encoding; only utf-8 (checked, BOM accepted)");
    app.add_option("--mode", mode, "for an existing table: append, replace or fail-if-exists")
        ->check(CLI::IsMember({"append", "replace", "fail-if-exists"}));
    app.add_option("--schema", o.schema, "column types for a created table: 'col type, ...'");
    app.add_option("--max-errors", o.max_errors, "skip up to N bad rows (default 0)");
    app.add_option("--rejects", o.rejects_path, "write skipped rows, with line and reason, here");
    app.add_flag("--dry-run", o.dry_run, "print the plan (endpoints, columns, types, mode) only");
    app.add_flag("--no-progress", no_progress, "no progress line on stderr");
    app.add_option("--stats", stats, "print statistics at the end: json")
        ->check(CLI::IsMember({"json"}));
    CLI11_PARSE(app, argc, argv);

    if (!encoding.empty() && encoding != "utf-8" && encoding != "UTF-8" && encoding != "utf8") {
        std::cerr << "ucopy: only UTF-8 input is supported (--encoding " << encoding << ")\n";
        return 2;
    }
    if (header && no_header) {
        std::cerr << "ucopy: --header and --no-header contradict each other\n";
        return 2;
    }
    o.header = !no_header;
    o.progress = !no_progress;
    o.stats_json = stats == "json";
    o.mode = *uio::etl::parse_load_mode(mode);
    if (!null_string.empty() || app.count("--null")) o.null_string = null_string;
    if (delimiter == "\\t" || delimiter == "tab") delimiter = "\t";
    if (!delimiter.empty()) {
        if (delimiter.size() != 1) {
            std::cerr << "ucopy: --delimiter must be one character\n";
            return 2;
        }
        o.delimiter = delimiter[0];
    }
    if (quote.size() != 1) {
        std::cerr << "ucopy: --quote must be one character\n";
        return 2;
    }
    o.quote = quote[0];
    uio::etl::endpoint_options eo;
    if (!format.empty()) {
        eo.format = uio::etl::parse_format(format);
        if (!eo.format) {
            std::cerr << "ucopy: unknown --format '" << format << "' (csv, tsv, jsonl)\n";
            return 2;
        }
        o.format = eo.format;
    }
    try {
        auto source = uio::etl::parse_endpoint(source_text, eo);
        auto destination = uio::etl::parse_endpoint(destination_text, eo);
        return uio::etl::run_table_copy(o, source, destination, std::cerr, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "ucopy: " << uio::etl::redact_password(e.what()) << "\n";
        return 2;
    }
}
