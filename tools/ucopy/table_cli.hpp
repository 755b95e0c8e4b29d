// table_cli: the command line of table copies, `ucopy SRC DST` when an endpoint is a table:
// the main of ucopy-tables, which ucopy runs for such a command (table_command.hpp).
#pragma once

#include "table_command.hpp"

namespace uio::etl {

// Parses the table-copy options and runs the copy; returns the exit code (0 done, else
// uio::exit_code of the failure's kind). `program` names the command in messages and --help.
int table_command_main(int argc, char** argv, const char* program = "ucopy");

}  // namespace uio::etl
