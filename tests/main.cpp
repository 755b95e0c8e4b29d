// The Catch2 main shared by every test executable, where Catch2 ships none compiled
// (tests/CMakeLists.txt).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
