// table_copy_cli: the command line of table copies, `ucopy SRC DST` when an endpoint is a table:
// the main of ucopy-tables, which ucopy runs for such a command (table_copy_handoff.hpp).
#pragma once

#include <memory>

#include "table_copy_handoff.hpp"

namespace CLI {
class App;
}

namespace uio::etl {

// Parses the table-copy options and runs the copy; returns the exit code (0 done, else
// uio::exit_code of the failure's kind). `program` names the command in messages and --help.
int table_copy_main(int argc, char** argv, const char* program = "ucopy");

// The CLI::App table_copy_main parses with (every option and its help; the values it
// would set owned with it), for the man pages and completions tools/cli_doc generates.
std::shared_ptr<const CLI::App> table_copy_app(const char* program = "ucopy-tables");

}  // namespace uio::etl
