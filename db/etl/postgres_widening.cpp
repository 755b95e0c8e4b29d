#include "uio/db/etl/detail/postgres_widening.hpp"

#include <algorithm>

namespace uio::etl {

namespace {

// The SQLSTATEs of a value the column's type does not take: invalid text (22P02), out of
// range (22003), not a date/time (22007), a date/time field out of range (22008).
bool refused_value(const std::string& sqlstate) {
    return sqlstate == "22P02" || sqlstate == "22003" || sqlstate == "22007" || sqlstate == "22008";
}

}  // namespace

bool widen_refused_column(std::vector<column_spec>& source_columns,
                          const std::vector<column_spec>& created_with,
                          const copy_failure& failure) {
    if (!refused_value(failure.sqlstate)) return false;
    auto named = [&](const column_spec& c) { return c.name == failure.column; };
    auto was = std::find_if(created_with.begin(), created_with.end(), named);
    if (was == created_with.end() || !was->inferred) return false;
    if (was->kind == value_kind::text || was->kind == value_kind::mixed) return false;
    // A value cut at 100 bytes ends in "..." and widens to text, as it should.
    value_kind wider = widened_kind(was->kind, failure.value.value_or(std::string()));
    auto it = std::find_if(source_columns.begin(), source_columns.end(), named);
    if (it == source_columns.end()) return false;
    it->kind = wider;
    it->declared.clear();
    return true;
}

}  // namespace uio::etl
