#include "postgres_widening.hpp"

#include <algorithm>

namespace uio::etl {

bool widen_refused_column(std::vector<column_spec>& source_columns,
                          const std::vector<column_spec>& created_with,
                          const copy_failure& failure) {
    if (failure.sqlstate != "22P02" && failure.sqlstate != "22003") return false;
    auto named = [&](const column_spec& c) { return c.name == failure.column; };
    auto was = std::find_if(created_with.begin(), created_with.end(), named);
    if (was == created_with.end() || !was->inferred) return false;
    value_kind wider = value_kind::text;
    switch (was->kind) {
        case value_kind::integer:
            // A value cut at 100 bytes ends in "..." and reads as text, as it should.
            if (failure.value && natural_kind(*failure.value) == value_kind::real) {
                wider = value_kind::real;
            }
            break;
        case value_kind::real:
            break;
        case value_kind::text:
        case value_kind::mixed:
            return false;
    }
    auto it = std::find_if(source_columns.begin(), source_columns.end(), named);
    if (it == source_columns.end()) return false;
    it->kind = wider;
    it->declared.clear();
    return true;
}

}  // namespace uio::etl
