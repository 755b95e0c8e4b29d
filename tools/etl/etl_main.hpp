// run_table_copy: the table side of `ucopy SRC DST` — rows between CSV/TSV/JSON Lines files,
// PostgreSQL and SQLite — as one call that ucopy's main makes (through table_cli) after
// parsing endpoints. Prints errors (passwords redacted) to `err`; the plan (--dry-run) and
// --stats=json to `out`. Returns the exit code: 0 done, else uio::exit_code of the failure's
// error_kind (1 data, io or database; 2 usage; 70 internal).
#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "endpoint.hpp"
#include "load_mode.hpp"

namespace uio::etl {

struct table_copy_options {
    std::optional<data_format> format;       // --format: overrides the files' extensions
    std::optional<char> delimiter;           // default ',' (CSV) or '\t' (TSV)
    char quote = '"';                        // --quote
    bool header = true;                      // --header / --no-header
    std::optional<std::string> null_string;  // --null STRING (default: unquoted empty)
    load_mode mode = load_mode::append;      // --mode
    std::vector<std::string> key;            // --key col,...: upsert's key columns
    std::string schema;                      // --schema 'col type, ...'
    std::uint64_t max_errors = 0;            // --max-errors N: bad rows to skip
    std::string rejects_path;                // --rejects FILE: where skipped rows go
    bool dry_run = false;                    // --dry-run: print the plan only
    bool fsync = false;                      // --fsync: exported files durable before rename
    bool progress = true;                    // a progress line on stderr when it is a tty
    bool stats_json = false;                 // --stats=json
    std::optional<compression> compress;     // --compress gzip|zstd: for an exported file
    unsigned connections = 1;                // --connections N: COPY streams (parallel_load.hpp)
};

int run_table_copy(const table_copy_options& options, const endpoint& source,
                   const endpoint& destination, std::ostream& err, std::ostream& out = std::cout);

}  // namespace uio::etl
