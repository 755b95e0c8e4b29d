// table_copy_options: how a table copy reads, writes and loads — the options of `ucopy SRC
// DST` for tables, one field per command-line option, for programs that call copy_table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "uio/db/etl/compression.hpp"
#include "uio/db/etl/endpoint.hpp"
#include "uio/db/etl/load_mode.hpp"

namespace uio::etl {

struct table_copy_options {
    std::optional<data_format> format;       // --format: overrides the files' extensions
    std::optional<char> delimiter;           // default ',' (CSV) or '\t' (TSV)
    char quote = '"';                        // --quote
    bool header = true;                      // --header / --no-header
    bool strict = false;                     // --strict: no lenient CSV quoting
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
    bool verbose = false;                    // -v: what was copied, on the error stream
    std::optional<compression> compress;     // --compress gzip|zstd: for an exported file
    unsigned connections = 1;                // --connections N: COPY streams (parallel_load.hpp)
    // An upsert into an existing PostgreSQL table goes in batches of at least this many
    // bytes (0: 8 MiB), each COPYed on a second connection while the one before is merged
    // (postgres_upsert_overlap.hpp). Not on the command line: tests make tiny batches.
    std::size_t upsert_batch_bytes = 0;
};

}  // namespace uio::etl
