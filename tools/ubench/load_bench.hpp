// Bulk loads, one per invocation, so that scripts/bench-pg times them the same way it times
// psql and sqlite3 (whole process, wall clock):
//   ubench pg-copy in  --file F --table T   CSV file → COPY T FROM STDIN, file read on io_uring
//   ubench pg-copy out --file F --table T   COPY T TO STDOUT → CSV file, written on io_uring
//   ubench sqlite-import --file F --db D --table T [--schema SQL]
//                                           CSV parsed by formats::csv_reader (file read on
//                                           io_uring) → sqlite::database::bulk_insert
// Each prints one line (rows, seconds, rows/s), and JSON with --json (report.hpp's rule).
#pragma once

#include <cstddef>
#include <string>

namespace ubench {

struct load_options {
    std::string direction;  // pg-copy: "in" or "out"
    std::string file;
    std::string table;
    std::string conninfo;      // pg-copy; "" : the PG* environment variables
    std::string db;            // sqlite-import: a path or ":memory:"
    std::string schema;        // sqlite-import: SQL run first (e.g. CREATE TABLE), not timed
    bool bulk_pragmas = true;  // sqlite-import: bulk_options::bulk_pragmas (page cache size)
    std::size_t chunk = 1 << 20;
    std::string json_path;  // --json: "-" stdout, "" none (report.hpp's write_output)
};

int run_pg_copy(const load_options& options);
int run_sqlite_import(const load_options& options);

}  // namespace ubench
