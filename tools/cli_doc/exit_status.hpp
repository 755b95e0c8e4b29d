// exit_status: a program's exit codes as a table, so that its --help and its man page
// (program_doc.hpp) print the same list from one place.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace uio::cli_doc {

struct exit_status {
    int code;
    std::string_view meaning;
};

// "Exit status: 0 done; 1 failed; 2 usage error." wrapped at 88 columns, then `note` (if
// any) on its own line: the paragraph --help ends with.
std::string exit_status_help(std::span<const exit_status> codes, std::string_view note = {});

}  // namespace uio::cli_doc
