// temp_name: the one scheme for hidden temporary names in a destination directory, used by
// tree copies (files and staging directories) and by table exports (atomic_output_file):
// ".ucopy-<pid>-<n>.tmp", pid and n in lower-case hex. Never a name a user picks by
// accident, and it says which process wrote it, so a rerun can remove what a killed run left
// behind while never touching the temporary of a process that still runs.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace uio {

// A new name, unique within this process (thread-safe). Predictable: create it with O_EXCL.
std::string temp_name();

// Whether `name` is in the scheme (exactly; ".ucopy-notes.tmp" is not).
bool is_temp_name(std::string_view name);

// The process that wrote `name`, if it is a temporary name with a plausible pid.
std::optional<pid_t> temp_name_owner(std::string_view name);

// The writer of temporary `name` still runs (this process, or a concurrent one): not stale.
// False for names not in the scheme.
bool temp_owner_alive(std::string_view name);

// Removes the temporary files in directory `dir` whose writer is gone (a killed run's), as a
// tree copy's walk does for the directories it enters; a table export calls it before it
// writes into `dir`. Best effort: a name that cannot be removed is left. Directories (a tree
// copy's staging) are the tree copy's to sweep. Synchronous: one readdir of `dir`.
void remove_stale_temp_files(const std::string& dir);

}  // namespace uio
