// What the hardening tests share: starting a program with exact control over when it is
// killed, trees with every size class of file, and checks that nothing under a final name
// is wrong. Tree comparison itself comes from tests/ucopy/ucopy_harness.hpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace harden {

// A child process; stdout and stderr go to `log`. Killed (SIGKILL) and reaped if still
// running when destroyed.
class process {
  public:
    process(const std::vector<std::string>& argv, const std::string& log,
            const std::vector<std::string>& extra_env = {});
    ~process();
    process(const process&) = delete;
    process& operator=(const process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    // Exit code, or 128 + signal number.
    int wait();
    // The same, if it ends within `limit`; false if still running then.
    bool wait_for(std::chrono::milliseconds limit);
    // True if it was still running (so the signal hit it mid-work).
    bool kill_now(int signal);

  private:
    pid_t pid_ = -1;
    int status_ = -1;
};

// Runs to completion; returns the exit code (128 + signal) and fills `output`.
int run(const std::vector<std::string>& argv, std::string* output = nullptr,
        const std::vector<std::string>& extra_env = {});

std::string slurp(const std::string& path);

// Deterministic pseudo-random bytes (seeded), so a failing trial can be reproduced.
std::string random_bytes(std::size_t n, std::uint64_t seed);

// A tree of `small` files of 0-300 KiB over 20 directories, a few multi-megabyte files,
// symlinks (one pointing outside the tree) and a hard link pair.
void build_mixed_tree(const std::string& root, int small, std::size_t big_mib);

// Regular files under their final names in `dst` whose bytes differ from `src`'s (temporary
// .ucopy-* names are skipped: they are allowed to be partial).
std::vector<std::string> wrong_final_files(const std::string& src, const std::string& dst);

// Files in `root` (recursively) named like ucopy temporaries or staging directories.
std::vector<std::string> leftovers(const std::string& root);

// Milliseconds since `start`.
double ms_since(std::chrono::steady_clock::time_point start);

}  // namespace harden
