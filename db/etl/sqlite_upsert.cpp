#include "uio/db/etl/detail/sqlite_upsert.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/detail/upsert_key.hpp"
#include "uio/db/sqlite/quote.hpp"

namespace uio::etl {

namespace {

bool same_sqlite_name(std::string_view a, std::string_view b) {
    // SQLite matches column names case-insensitively (ASCII).
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

}  // namespace

task<void> require_sqlite_unique_key(sqlite::executor& db, std::string table,
                                     std::vector<std::string> key) {
    // The primary key (a rowid alias has no index of its own), then each unique index.
    std::vector<std::string> primary;
    std::string pk_sql = "SELECT name FROM pragma_table_info(?) WHERE pk > 0";
    sqlite::rows pk = co_await db.fetch(pk_sql, table);
    for (auto row : pk) primary.push_back(row.get<std::string>(0));
    if (covers_exactly(primary, key, same_sqlite_name)) co_return;
    std::string list_sql =
        "SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1 AND partial = 0";
    sqlite::rows indexes = co_await db.fetch(list_sql, table);
    std::vector<std::string> names;
    for (auto row : indexes) names.push_back(row.get<std::string>(0));
    for (const std::string& index : names) {
        std::string info_sql = "SELECT name FROM pragma_index_info(?)";
        sqlite::rows info = co_await db.fetch(info_sql, index);
        std::vector<std::string> columns;
        bool expression = false;
        for (auto row : info) {
            auto name = row.get<std::optional<std::string>>(0);
            if (!name) expression = true;
            columns.push_back(name.value_or(""));
        }
        if (!expression && covers_exactly(columns, key, same_sqlite_name)) co_return;
    }
    throw database_error(no_unique_key_message(table, key));
}

std::string sqlite_upsert_clause(const std::vector<std::string>& columns,
                                 const std::vector<std::string>& key) {
    std::string keys;
    for (std::size_t i = 0; i < key.size(); ++i) {
        keys += (i ? ", " : "") + sqlite::quote_identifier(key[i]);
    }
    std::string action;
    for (const std::string& c : columns) {
        auto is_key = [&](const std::string& k) { return same_sqlite_name(k, c); };
        if (std::any_of(key.begin(), key.end(), is_key)) continue;
        std::string q = sqlite::quote_identifier(c);
        action += (action.empty() ? "DO UPDATE SET " : ", ") + q + " = excluded." + q;
    }
    if (action.empty()) action = "DO NOTHING";  // every column is a key: nothing to update
    return " ON CONFLICT (" + keys + ") " + action;
}

void reject_null_keys(row_batch& batch, std::size_t width,
                      const std::vector<std::size_t>& key_columns,
                      const std::vector<std::string>& key_names) {
    auto null_key = [&](std::size_t row) -> std::optional<std::size_t> {
        for (std::size_t k = 0; k < key_columns.size(); ++k) {
            if (batch.cells.is_null(row * width + key_columns[k])) return k;
        }
        return std::nullopt;
    };
    std::size_t rows = batch.rows();
    std::size_t first = 0;
    while (first < rows && !null_key(first)) ++first;
    if (first == rows) return;  // the usual case: nothing to move
    sqlite::packed_rows kept;
    std::vector<std::uint64_t> lines;
    kept.append_cells(batch.cells, 0, first * width);
    lines.assign(batch.lines.begin(), batch.lines.begin() + static_cast<std::ptrdiff_t>(first));
    for (std::size_t r = first; r < rows; ++r) {
        if (auto k = null_key(r)) {
            batch.rejects.push_back(
                {batch.lines[r], "NULL in key column '" + key_names[*k] + "' (--key)", {}});
            continue;
        }
        kept.append_cells(batch.cells, r * width, width);
        lines.push_back(batch.lines[r]);
    }
    batch.cells = std::move(kept);
    batch.lines = std::move(lines);
    std::sort(batch.rejects.begin(), batch.rejects.end(),
              [](const reject& a, const reject& b) { return a.line < b.line; });
}

}  // namespace uio::etl
