// plan: what --dry-run prints — both endpoints (passwords redacted), the mode, and the
// columns with the types a created table would get — without writing anything.
#pragma once

#include <ostream>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/copy_context.hpp"
#include "uio/db/etl/endpoint.hpp"

namespace uio::etl {

task<void> print_plan(copy_context& ctx, const endpoint& source, const endpoint& destination,
                      std::ostream& out);

}  // namespace uio::etl
