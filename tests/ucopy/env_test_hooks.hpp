// env_test_hooks: the test hooks the UCOPY_TEST_* variables arm (docs/testing.md, "Test
// hooks"), for the test-only twins of ucopy and ucopy-tables (their program_test_hooks) and
// for tests that call uio::fs in their own process (uio::fs::options::hooks).
#pragma once

#include <memory>

#include "test_hooks.hpp"

namespace ucopy {

// Hooks as the environment asks for them now; null when no variable arms any.
std::unique_ptr<test_hooks> make_env_test_hooks();

}  // namespace ucopy
