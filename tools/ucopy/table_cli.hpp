// table_cli: the command line of table copies, `ucopy SRC DST` when an endpoint is a table.
// ucopy's main asks `is_table_command` first and hands the whole argv over; everything else
// stays a tree copy with cp's semantics.
#pragma once

#include <string_view>

namespace uio::etl {

// True when `arg` names a table: a postgresql:// or postgres:// URI, or sqlite:PATH.
// (A file whose name starts with "sqlite:" is reached as ./sqlite:...)
bool names_table(std::string_view arg) noexcept;

// True when some operand of this command line names a table, so ucopy copies rows (a data
// file such as sales.csv on the other side is then read or written as rows; a file-to-file
// copy of sales.csv stays a byte copy).
bool is_table_command(int argc, char** argv) noexcept;

// The help section for table copies: options, endpoint syntax, NULL rule, exit codes.
const char* table_help_text() noexcept;

// Parses the table-copy options and runs the copy; returns the exit code (0 done, else
// uio::exit_code of the failure's kind). `program` names the command in messages and --help.
int table_command_main(int argc, char** argv, const char* program = "ucopy");

}  // namespace uio::etl
