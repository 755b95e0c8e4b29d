// options: ucopy's command line (cp-style arguments, CLI11) parsed into uio::fs::options,
// and the exit codes --help documents.
#pragma once

#include <optional>

#include <uio/core/error_kind.hpp>
#include <uio/fs/options.hpp>

namespace ucopy {

using uio::fs::options;

// A run's exit status is 0 when all went well, else its failure's error kind's
// (uio::exit_code, uio/core/error_kind.hpp: a failed entry is an I/O failure, 1), except
// for the outcomes rsync has codes for (rsync(1), EXIT VALUES), most serious first: with
// --sync, some entries failed; some source files vanished during the run; --max-delete kept
// some deletions. --help lists them all in one table (options.cpp, exit_codes()).
enum class rsync_status : int { partial_transfer = 23, vanished = 24, max_delete = 25 };

constexpr int exit_code(rsync_status status) noexcept {
    return static_cast<int>(status);
}

struct parse_outcome {
    std::optional<options> parsed;  // empty: exit with `exit_code` (0 for help and version)
    int exit_code = 0;
};

parse_outcome parse_command_line(int argc, char** argv);

}  // namespace ucopy
