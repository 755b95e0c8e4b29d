// options: ucopy's command line (cp-style arguments, CLI11) parsed into uio::fs::options,
// and the exit codes --help documents.
#pragma once

#include <optional>

#include <uio/core/error_kind.hpp>
#include <uio/fs/options.hpp>

namespace ucopy {

using uio::fs::options;

// Exit codes, documented in --help: uio's one mapping of error kinds (uio/core/error_kind.hpp).
// A failed entry of a tree copy is an I/O failure.
inline constexpr int exit_ok = 0;
inline constexpr int exit_copy_errors = uio::exit_code(uio::error_kind::io);
inline constexpr int exit_usage = uio::exit_code(uio::error_kind::usage);
// --sync speaks rsync's codes (rsync(1), EXIT VALUES), most serious first: some entries
// failed, some source files vanished during the run, --max-delete kept some deletions.
inline constexpr int exit_partial = 23;
inline constexpr int exit_vanished = 24;
inline constexpr int exit_max_delete = 25;

struct parse_outcome {
    std::optional<options> parsed;  // empty: exit with `exit_code` (help, version, usage error)
    int exit_code = exit_ok;
};

parse_outcome parse_command_line(int argc, char** argv);

}  // namespace ucopy
