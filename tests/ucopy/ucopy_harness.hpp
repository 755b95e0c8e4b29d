// What the end-to-end tests share: running commands, building trees of every kind of entry,
// and comparing two trees the way `cp -a` promises they match.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

namespace ucopy_test {

struct command_result {
    int status = -1;     // exit code, or 128 + signal
    std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh, capturing its output.
command_result sh(const std::string& command);

// The ucopy under test, quoted for a shell. (Not ucopy(): a unity build meets it beside the
// engine's namespace ucopy.)
std::string ucopy_binary();
// Its test-only twin, which obeys the UCOPY_TEST_* variables (copy_gate.hpp, the chain and
// corruption hooks: tests/ucopy/env_test_hooks.cpp); the shipped ucopy ignores them.
std::string ucopy_testable_binary();

// Whether rsync, the reference of the --sync tests, is installed.
bool have_rsync();

// One counter of --stats=json output, or -1 when it is missing.
long long stat_of(const std::string& output, const std::string& name);

// The --itemize-changes lines of an output (they start with an update letter and a type, or
// "*deleting"); sorted unless asked, since entries in flight finish in any order.
std::vector<std::string> itemized(const std::string& output, bool sorted = true);

// Shell-quotes a path.
std::string q(const std::string& path);

void write_file(const std::string& path, const std::string& content, mode_t mode = 0644);
std::string read_file(const std::string& path);
void set_mtime(const std::string& path, long long seconds, long nanoseconds);

// A tree with every kind of entry cp -a must reproduce (see the .cpp for the list).
void build_full_tree(const std::string& root);

// Differences between two trees (empty when they match): types, modes, owners, sizes,
// mtimes with nanoseconds, symlink targets, hard-link structure, xattrs, contents (data
// regions only for sparse files) and allocation (sparse stays sparse).
std::vector<std::string> compare_trees(const std::string& expected, const std::string& actual);
// CHECKs that compare_trees finds no difference, reporting the first 20 it finds.
void check_same_tree(const std::string& expected, const std::string& actual);

// Names below `root` that are leftover temporary files.
std::vector<std::string> temp_leftovers(const std::string& root);

}  // namespace ucopy_test
