// table_copy_handoff: which ucopy command lines are table copies, and handing them over. Table
// copies live in a program of their own, ucopy-tables, installed beside ucopy: libpq and
// what it loads (OpenSSL, GnuTLS, Kerberos, LDAP: 26 shared libraries) cost 11 ms at every
// start on this project's VM, a twentieth of a no-change sync of 100,000 files. A tree
// copy never loads them; a table copy pays one exec more. No libpq here.
#pragma once

#include <span>
#include <string_view>

#include "exit_status.hpp"

namespace uio::etl {

// True when `arg` names a table: a postgresql:// or postgres:// URI, or sqlite:PATH; also any
// other scheme:// URI, which the table side refuses with exit 2 (never a file name).
// (A file whose name starts with "sqlite:" or "mysql://" is reached as ./sqlite:...)
bool names_table(std::string_view arg) noexcept;

// True when some operand of this command line names a table, so ucopy copies rows (a data
// file such as sales.csv on the other side is then read or written as rows; a file-to-file
// copy of sales.csv stays a byte copy).
bool is_table_copy(int argc, char** argv) noexcept;

// The help section for table copies: options, endpoint syntax, NULL rule, exit codes.
const char* table_copy_help_text() noexcept;
// The same without the options (for ucopy-tables --help, whose parser lists them).
const char* table_copy_help_footer() noexcept;
// The endpoint syntax and the NULL rule alone (for the man pages, which list options and
// exit codes in sections of their own), and the exit codes --help lists.
std::string_view table_copy_help_prose() noexcept;
std::span<const cli_doc::exit_status> table_copy_exit_codes() noexcept;

}  // namespace uio::etl

namespace ucopy {

// Runs ucopy-tables from ucopy's own directory with this argv; returns only when it cannot
// (after a message), with exit status 1.
int hand_over_table_copy(char** argv);

}  // namespace ucopy
