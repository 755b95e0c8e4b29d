// copy_table_and_report: the table side of `ucopy SRC DST` — rows between CSV/TSV/JSON Lines files,
// PostgreSQL and SQLite — as one blocking call with a command line's manners: it runs the
// copy on a fresh io_context, prints errors (passwords redacted) to `err`, the plan
// (--dry-run) and --stats=json to `out`, shows a progress line when `err` is a terminal, and
// returns the exit code (0 done, else uio::exit_code of the failure's kind: 1 data, I/O or
// database, 2 usage). Programs that want the statistics or run on their own loop use
// copy_table (copy_table.hpp).
#pragma once

#include <iostream>
#include <ostream>

#include "uio/db/etl/endpoint.hpp"
#include "uio/db/etl/table_copy_options.hpp"

namespace uio::etl {

int copy_table_and_report(const table_copy_options& options, const endpoint& source,
                          const endpoint& destination, std::ostream& err,
                          std::ostream& out = std::cout);

}  // namespace uio::etl
