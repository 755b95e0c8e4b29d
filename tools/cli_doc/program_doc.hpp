// program_doc: what a man page and the shell completions of a program are made of. The
// options, their help and the subcommands come from the CLI::App the program parses with (each
// program builds it in one function, which its main and the generator both call); the exit
// codes from the table its --help prints; only the prose below is the man page's own.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "exit_status.hpp"

namespace uio::cli_doc {

struct example {
    std::string command;
    std::string what;
};

struct options_section {
    std::string title;                    // "OPTIONS", "TABLE OPTIONS"
    std::shared_ptr<const CLI::App> app;  // its options (and subcommands, each a subsection)
};

struct program_doc {
    std::string name;                   // ucopy
    std::string summary;                // the NAME line: "copy files, trees and tables"
    std::vector<std::string> synopsis;  // "[OPTIONS] SOURCE... DEST", one form a line
    std::string description;            // plain text, paragraphs split by blank lines
    std::vector<options_section> sections;
    std::span<const exit_status> exit_codes;
    std::string exit_note;
    std::vector<example> examples;
    std::vector<std::string> see_also;  // "cp(1)"
};

}  // namespace uio::cli_doc
