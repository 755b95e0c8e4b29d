// ubench's command line: what each subcommand's options set, and the CLI::App that sets
// it. main parses with it; tools/cli_doc makes the man page and completions from it.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "exit_status.hpp"
#include "files_bench.hpp"
#include "load_bench.hpp"
#include "overhead.hpp"
#include "pg_bench.hpp"

namespace ubench {

// Not movable: the app holds references to the members.
struct command_line {
    files_options files;
    std::string size_text = "256M", json_path, csv_path, plot_path;
    std::vector<std::string> workload_names, mode_names, engine_names;
    bool quiet = false;
    bool print_path = false;
    overhead_options overhead;
    pg_options pg;
    load_options copy;
    load_options import;
    bool no_bulk_pragmas = false;
    // Each subcommand's --json and the path it sets (finish_json).
    std::vector<std::pair<CLI::Option*, std::string*>> json_options;
    CLI::App app;

    command_line();
    command_line(const command_line&) = delete;
    command_line& operator=(const command_line&) = delete;

    // After parsing: a --json given without FILE means standard output ("-").
    void finish_json();
};

// The app alone (the values it would set owned with it), for generated docs.
std::shared_ptr<const CLI::App> command_line_app();

// The exit codes --help lists.
std::span<const uio::cli_doc::exit_status> exit_codes();

}  // namespace ubench
