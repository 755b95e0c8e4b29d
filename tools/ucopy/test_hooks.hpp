// test_hooks: the programs' test hooks — the tree copy's (uio/fs/test_hooks.hpp) and the
// table copy's — with none of it in the shipped programs.
//
// table_copy_main takes them through its `hooks` argument, the tree copy through
// uio::fs::options::hooks; both are null in the shipped ucopy and ucopy-tables
// (no_test_hooks.cpp). The test-only twins ucopy-testable and ucopy-tables-testable
// (tests/ucopy/CMakeLists.txt) link tests/ucopy/env_test_hooks.cpp instead, which arms the
// hooks the UCOPY_TEST_* variables ask for (docs/testing.md).
#pragma once

#include <uio/fs/test_hooks.hpp>

namespace uio::etl {
struct table_copy_options;
}

namespace ucopy {

class test_hooks : public uio::fs::test_hooks {
  public:
    // table_copy_main: a table copy is about to start with `options`, which the hooks may
    // change; inside its error handling.
    virtual void table_copy_starting(uio::etl::table_copy_options& options) = 0;
};

// The hooks of the running program, set by its main: null in ucopy and ucopy-tables
// (no_test_hooks.cpp); in the test-only twins, those the environment arms, or null.
test_hooks* program_test_hooks();

}  // namespace ucopy
