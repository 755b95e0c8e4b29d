// upsert_key: what both databases check about --key before an upsert loads anything — that
// every key column is one the load fills, and that a unique index covers exactly the key
// (ON CONFLICT needs one to decide that a row exists).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "uio/db/etl/detail/column_types.hpp"

namespace uio::etl {

using same_name_fn = bool (*)(std::string_view, std::string_view);

// Where each key column is in `columns`; throws naming the first key column the load does
// not fill (and the ones it does).
std::vector<std::size_t> key_positions(const std::vector<std::string>& key,
                                       const std::vector<column_spec>& columns, same_name_fn same);

// Whether `index_columns` are exactly the key columns, in any order.
bool covers_exactly(const std::vector<std::string>& index_columns,
                    const std::vector<std::string>& key, same_name_fn same);

// The error for a table without such an index.
std::string no_unique_key_message(const std::string& table, const std::vector<std::string>& key);

}  // namespace uio::etl
