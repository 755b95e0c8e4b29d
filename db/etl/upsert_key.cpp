#include "uio/db/etl/detail/upsert_key.hpp"

#include <algorithm>
#include <stdexcept>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

}  // namespace

std::vector<std::size_t> key_positions(const std::vector<std::string>& key,
                                       const std::vector<column_spec>& columns, same_name_fn same) {
    std::vector<std::size_t> out;
    for (const std::string& k : key) {
        auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const column_spec& c) { return same(c.name, k); });
        if (it == columns.end()) {
            std::vector<std::string> names;
            for (const column_spec& c : columns) names.push_back(c.name);
            throw data_error("--key column '" + k + "' is not among the columns loaded (" +
                             joined(names) + ")");
        }
        out.push_back(static_cast<std::size_t>(it - columns.begin()));
    }
    return out;
}

bool covers_exactly(const std::vector<std::string>& index_columns,
                    const std::vector<std::string>& key, same_name_fn same) {
    if (index_columns.size() != key.size()) return false;
    return std::all_of(key.begin(), key.end(), [&](const std::string& k) {
        return std::any_of(index_columns.begin(), index_columns.end(),
                           [&](const std::string& c) { return same(c, k); });
    });
}

std::string no_unique_key_message(const std::string& table, const std::vector<std::string>& key) {
    return "table '" + table + "' has no primary key or unique index on exactly (" + joined(key) +
           "), which --mode upsert needs to match rows (CREATE UNIQUE INDEX ON " + table + " (" +
           joined(key) + ") adds one)";
}

}  // namespace uio::etl
