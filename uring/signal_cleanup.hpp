// signal_cleanup: temporaries removed when SIGTERM, SIGINT or SIGHUP ends the process, so that
// an interrupted export leaves nothing under a hidden name (atomic_output_file registers its
// temporary). The process then dies of the signal as it would without a handler: its parent
// sees WIFSIGNALED, a shell reports 128 + the signal. SIGKILL cannot be caught: what it
// leaves, the next run's sweep removes (temp_name.hpp).
//
// A program opts in with remove_temporaries_on_signals() (ucopy-tables and ucopy's tree
// copies do; a library never installs signal handlers by itself); without it, registering
// costs a few atomic operations.
#pragma once

#include <string>

namespace uio {

// Installs the handlers of SIGTERM, SIGINT and SIGHUP (a signal the process ignores, as under
// nohup, stays ignored). Call once, from main, before any thread starts.
void remove_temporaries_on_signals();

// A temporary file the signal handler removes while this is alive (any thread may create or
// release one). At most 4096 at once (ucopy's largest --queue-depth) and paths shorter than
// PATH_MAX; others go unregistered (the sweep still removes them later). Move-only.
class registered_temporary {
  public:
    registered_temporary() noexcept = default;
    explicit registered_temporary(const std::string& path) noexcept;
    registered_temporary(registered_temporary&& other) noexcept;
    registered_temporary& operator=(registered_temporary&& other) noexcept;
    ~registered_temporary() { release(); }

    // The temporary is gone (renamed into place, or removed): forget it.
    void release() noexcept;

  private:
    int slot_ = -1;
};

}  // namespace uio
