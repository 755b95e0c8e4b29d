// test_gate: a test-only pause point inside a file's copy, so that tests can make a change
// land mid-copy, or inspect or kill ucopy while files are in flight, by waiting for an event
// instead of sleeping and hoping (a loaded machine makes any guessed delay wrong).
//
// UCOPY_TEST_GATE=DIR arms it. Each regular file whose first chunk has been read and written
// (data_mover::read_write) appends its source path and a newline to DIR/arrived; every
// arrival after the first UCOPY_TEST_GATE_PASS (default 0) then waits until DIR/open exists,
// the file's other chunks free to go on. UCOPY_TEST_GATE_ONLY=TEXT limits the gate to the
// files whose source path contains TEXT.
//
// Test-only: compiled into the test hooks of ucopy-testable (tests/ucopy/env_test_hooks.cpp,
// through test_hooks::chunk_copied and first_piece_copied), never into the shipped ucopy.
#pragma once

#include <string>

#include <uio/core/task.hpp>

namespace ucopy {

class test_gate {
  public:
    test_gate();  // reads the environment

    bool armed() const noexcept { return !dir_.empty(); }
    uio::task<void> arrive(const std::string& source);

  private:
    std::string dir_;
    std::string only_;
    unsigned pass_ = 0;
    unsigned arrivals_ = 0;
};

}  // namespace ucopy
