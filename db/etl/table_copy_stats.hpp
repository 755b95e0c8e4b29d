// table_copy_stats: what a table copy did — rows and bytes moved, bad rows skipped — as
// copy_table returns it and its progress callback sees it, and as --stats=json prints it.
#pragma once

#include <cstdint>

namespace uio::etl {

struct table_copy_stats {
    std::uint64_t rows = 0;
    std::uint64_t bytes = 0;
    std::uint64_t rejected = 0;
    // Empty lines skipped (in a file of more than one column, where they hold no record).
    std::uint64_t blank_lines = 0;
    // Records read leniently, as PostgreSQL's COPY reads them (a quote inside an unquoted
    // field, text after a closing quote); --strict refuses them instead.
    std::uint64_t warnings = 0;
    // Into a table the load creates: times its columns widened where the load was (an ALTER
    // TABLE on the rows loaded so far, between two COPYs; SQLite: a change of declared types),
    // and times the load started over from the first row (a --max-errors retry, or a value
    // the server refused in a column whose type was inferred). Widening costs no restart.
    std::uint64_t widenings = 0;
    std::uint64_t restarts = 0;
    // --mode upsert: rows that added a key, and rows whose key was there already (in the
    // table, or earlier in the input); rows = inserted + updated.
    bool merged = false;
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
};

}  // namespace uio::etl
