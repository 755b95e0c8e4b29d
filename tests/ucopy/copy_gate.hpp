// The test side of ucopy's test gate (tests/ucopy/test_gate.hpp): tests wait for files to be
// in flight, act (change a source, inspect modes, kill), then let the copy go on. Nothing is
// timed: every wait is for an event, bounded only to fail a broken run instead of hanging.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ucopy_test {

class copy_gate {
  public:
    // `dir` is created. `pass`: arrivals let through before the gate holds; `only`: the
    // gate applies to source paths containing it (empty: every file).
    explicit copy_gate(std::string dir, unsigned pass = 0, std::string only = {});

    // Environment assignments that arm the gate in a ucopy-testable started with them
    // (ucopy_testable_binary(), UCOPY_TESTABLE_BINARY: the shipped ucopy has no gate).
    std::vector<std::string> env() const;
    // The same, as a prefix for a shell command line.
    std::string shell_env() const;

    // Waits until at least `n` files have arrived (at most two minutes); returns the
    // source paths that arrived, in order.
    std::vector<std::string> wait_for_arrivals(std::size_t n) const;
    std::vector<std::string> arrivals() const;
    // A shell snippet that waits as wait_for_arrivals does (for a ucopy started with &).
    std::string shell_wait_for_arrivals(std::size_t n) const;

    // Lets every held file, and all later ones, go on.
    void open() const;

  private:
    std::string dir_;
    unsigned pass_;
    std::string only_;
};

}  // namespace ucopy_test
