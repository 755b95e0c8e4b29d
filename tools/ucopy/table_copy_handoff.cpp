// table_copy_handoff: the test for a table endpoint, the table-copy help, and the exec.
#include "table_copy_handoff.hpp"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "exit_status.hpp"

namespace uio::etl {

namespace {

// Three parts: ucopy --help prints them all; ucopy-tables --help has CLI11 list its own
// options (from the option table the parser uses) and prints the other two.
constexpr const char* help_endpoints = R"(
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
  postgresql:///db?table=myschema.sales  a table in a schema ("a.b" in double quotes: one
                                       name holding a dot)
  sqlite:path/to/file.db?table=sales   a SQLite table (or ?query=... as a source); the
  sqlite:///rel.db, sqlite:////abs.db  file is created if missing (SQLAlchemy's slashes:
                                       three relative, four absolute; sqlite://host refused)
A copy is a table copy when SRC or DST is a postgresql://, postgres:// or sqlite: endpoint;
`ucopy a.csv b.csv` stays a byte copy. Any other word:// (mysql://, http://) is a usage
error. (Reach a file named sqlite:x or mysql://x as ./sqlite:x, ./mysql:/x.)
)";

constexpr const char* help_options = R"(
Table options:
  --format csv|tsv|jsonl   data file format (default: from the extension)
  --delimiter C            field delimiter (default ',' or TAB for .tsv; \t for TAB)
  --quote C                quote character (default ")
  --header / --no-header   the first row names the columns (default: --header)
  --null STRING            an unquoted field equal to STRING is NULL
  --strict                 refuse a quote inside an unquoted CSV field and text after a
                           closing quote (file:line:column); by default they are read as
                           PostgreSQL's COPY reads them (a"b,c"d is ab,cd) and counted
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
  --stats=json             print ok, rows, bytes, seconds and errors on stdout at the end
                           (and blank_lines, warnings when there were any; widenings
                           and restarts when a column widened)
  --no-progress            no progress line on stderr
  -v, --verbose            say what was copied, and how many rows, on stderr
)";

constexpr const char* help_notes = R"(
NULL and empty strings stay distinct: an unquoted empty field is NULL, "" is an empty
string (PostgreSQL's CSV rule), and exports write them the same way; in JSON Lines, null
and "". A load is one transaction: when it fails the table is exactly as it was. Upsert:
when the input repeats a key, its last row wins; a NULL key is a bad row. An export
is written to a hidden temporary file, renamed into place only when complete (with
--fsync, only once it is on disk).
'-' is standard input as a source, standard output as a destination (with --format);
a symlink is written through, a device or FIFO (/dev/null, /dev/stdout) in place.
)";

constexpr cli_doc::exit_status exit_table[] = {
    {0, "done"},
    {1,
     "failed: bad data (the message names file:line:column or the row), an I/O or a"
     " database failure"},
    {2, "usage (the command line)"},
    {70, "internal error (a bug)"},
};

const std::string exit_help = cli_doc::exit_status_help(exit_table) + "\n";
const std::string full_help = std::string(help_endpoints) + help_options + help_notes + exit_help;
const std::string footer_help = std::string(help_endpoints) + help_notes + exit_help;
const std::string prose = std::string(help_endpoints) + help_notes;

}  // namespace

bool names_table(std::string_view arg) noexcept {
    if (arg.starts_with("sqlite:") && arg.size() > 7) return true;
    // Any "scheme://": postgresql:// and postgres://, and the schemes ucopy does not know
    // (mysql://, http://), which the table side refuses as a usage error rather than this
    // side copying a file of that name.
    std::size_t end = arg.find("://");
    if (end == 0 || end == std::string_view::npos) return false;
    if (!std::isalpha(static_cast<unsigned char>(arg[0]))) return false;
    for (char c : arg.substr(0, end)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

bool is_table_copy(int argc, char** argv) noexcept {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (!arg.starts_with("-") && names_table(arg)) return true;
    }
    return false;
}

const char* table_copy_help_text() noexcept {
    return full_help.c_str();
}

const char* table_copy_help_footer() noexcept {
    return footer_help.c_str();
}

std::string_view table_copy_help_prose() noexcept {
    return prose;
}

std::span<const cli_doc::exit_status> table_copy_exit_codes() noexcept {
    return exit_table;
}

}  // namespace uio::etl

namespace ucopy {

int hand_over_table_copy(char** argv) {
    // Beside the running binary, whatever PATH says: the two are built and installed together.
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string helper = "ucopy-tables";
    if (n > 0) {
        std::string path(self, static_cast<std::size_t>(n));
        helper = path.substr(0, path.rfind('/') + 1) + helper;
    }
    ::execv(helper.c_str(), argv);
    std::fprintf(stderr,
                 "ucopy: cannot run %s for a table copy: %s (it is installed beside ucopy)\n",
                 helper.c_str(), std::strerror(errno));
    return 1;
}

}  // namespace ucopy
