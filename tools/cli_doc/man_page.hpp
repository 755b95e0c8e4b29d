// man_page: a program_doc as a roff man page (man(7) macros), section 1: NAME, SYNOPSIS,
// DESCRIPTION, the options sections (CLI::App's options and subcommands, with their help),
// EXIT STATUS, EXAMPLES, SEE ALSO.
#pragma once

#include <ostream>
#include <string_view>

#include "program_doc.hpp"

namespace uio::cli_doc {

void write_man_page(std::ostream& out, const program_doc& doc, std::string_view version);

// Text made safe for roff: backslashes and hyphens escaped (an option is typed with
// ASCII '-'), a leading '.' or '\'' defused, non-ASCII characters as \[uXXXX].
std::string roff_escape(std::string_view text);

}  // namespace uio::cli_doc
