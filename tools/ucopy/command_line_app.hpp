// ucopy's command line as data, for what is generated from it (tools/cli_doc: the man page
// and the shell completions): the CLI::App parse_command_line parses with, the prose of its
// --help and its exit codes. One table, so the man page cannot drift from the program.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "exit_status.hpp"

namespace CLI {
class App;
}

namespace ucopy {

// Every option with its help; the values it would set are owned with it.
std::shared_ptr<const CLI::App> command_line_app();

// The exit codes --help lists, and what goes with them.
std::span<const uio::cli_doc::exit_status> exit_codes();
inline constexpr std::string_view exit_codes_note = "With --sync, 23 wins over 24, 24 over 25.";

// --help's text after the options (the semantics), without the exit codes.
std::string_view help_text();

}  // namespace ucopy
