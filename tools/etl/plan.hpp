// plan: what --dry-run prints — both endpoints (passwords redacted), the mode, and the
// columns with the types a created table would get — without writing anything.
#pragma once

#include <ostream>
#include <stdexcept>

#include "copy_context.hpp"
#include "endpoint.hpp"
#include "uio/core/task.hpp"

namespace uio::etl {

// A command line that asks for something impossible: exit code 2.
class usage_error : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

task<void> print_plan(copy_context& ctx, const endpoint& source, const endpoint& destination,
                      std::ostream& out);

}  // namespace uio::etl
