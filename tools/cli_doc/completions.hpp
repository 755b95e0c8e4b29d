// completions: bash and zsh completion scripts for a program_doc, from the same CLI::App
// tables as its man page: option names, the choices of an option (CLI::IsMember), file names
// for any other value and for operands, and a program's subcommands.
#pragma once

#include <ostream>

#include "program_doc.hpp"

namespace uio::cli_doc {

// For /usr/share/bash-completion/completions/NAME: defines _uio_NAME and registers it.
void write_bash_completion(std::ostream& out, const program_doc& doc);

// For /usr/share/zsh/site-functions/_NAME (#compdef NAME).
void write_zsh_completion(std::ostream& out, const program_doc& doc);

}  // namespace uio::cli_doc
