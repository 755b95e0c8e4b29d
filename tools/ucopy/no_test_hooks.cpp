// The shipped programs' test hooks: none (test_hooks.hpp). The test-only twins link
// tests/ucopy/env_test_hooks.cpp in place of this file.
#include "test_hooks.hpp"

namespace ucopy {

test_hooks* program_test_hooks() {
    return nullptr;
}

}  // namespace ucopy
