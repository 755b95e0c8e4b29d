// copy_plan: cp's rules for turning `SRC... DST` into (source, destination) pairs:
//   one source, DST not an existing directory  -> copy SRC as DST
//   DST an existing directory (or several SRC) -> copy each SRC as DST/basename(SRC)
// --sync follows rsync instead, so that every run of one command gives the same tree:
//   "SRC/" -> SRC's contents into DST; "SRC" (a directory) -> DST/SRC, DST made if missing
//   (a single file, or a single "SRC/", with DST missing is copied as DST)
// plus the refusals cp makes (directory without -r, a directory into itself, a file onto
// itself, several sources into a non-directory), and cp's way with a file's destination
// that is a symlink (written through: its target is the file replaced), a device, FIFO or
// descriptor (written in place; uring/output_target.hpp).
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include <uio/uring/output_target.hpp>

#include "uio/fs/options.hpp"
#include "uio/fs/report.hpp"

namespace uio::fs {

struct copy_root {
    std::string source;
    std::string destination;
    struct stat st {};  // of the source (following a symlink when `follow`)
    bool follow = false;
    // A file copied into a device, FIFO or descriptor (stream_copy.hpp), not replacing it.
    std::optional<uio::output_target> stream;
};

// Roots to copy; each refusal is reported as an error on `out` and left out.
std::vector<copy_root> plan_copies(const options& opts, report& out);

// "a/b/" -> "b"; "/" -> "/".
std::string base_name(const std::string& path);
// "a/b" -> "a/"; "b" -> "" (the prefix a child's display path starts with).
std::string dir_prefix(const std::string& path);

}  // namespace uio::fs
