// option_names: what the man page and the completions read from a CLI::App, in one place:
// its options as typed (-a, --archive), the value an option takes and its choices.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace uio::cli_doc {

// The options a user types (not the positional arguments), in the order they were added.
std::vector<const CLI::Option*> documented_options(const CLI::App& app);

// "-a", "--archive": the short names, then the long ones.
std::vector<std::string> option_names(const CLI::Option& option);

// False for a flag (CLI11 expects no value of it), true for an option that takes one (or may).
bool takes_value(const CLI::Option& option);

// "" for a flag; else what the value is: "auto|always|never" for a choice, else CLI11's
// type name (TEXT, UINT, FLOAT...).
std::string value_name(const CLI::Option& option);

// The values an option accepts (CLI::IsMember's set), or none when it takes any value.
std::vector<std::string> choices(const CLI::Option& option);

std::vector<const CLI::App*> subcommands(const CLI::App& app);

}  // namespace uio::cli_doc
