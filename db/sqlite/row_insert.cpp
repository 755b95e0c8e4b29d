// row_insert: building the one-row and multi-row INSERTs, and the grouped insert loop.
#include "uio/db/sqlite/row_insert.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "uio/db/sqlite/error.hpp"
#include "uio/db/sqlite/quote.hpp"

namespace uio::sqlite {

namespace {

// The failure of `stmt`'s last step, read before the reset that clears it.
row_insert::failure failed_step(blocking_connection& c, sqlite3_stmt* stmt, std::size_t row) {
    row_insert::failure f;
    f.row = row;
    f.code = sqlite3_extended_errcode(c.handle());
    f.message = sqlite3_errmsg(c.handle());
    sqlite3_reset(stmt);
    f.transaction_lost = sqlite3_get_autocommit(c.handle()) != 0;
    return f;
}

}  // namespace

row_insert::row_insert(std::string_view verb, std::string_view table,
                       const std::vector<std::string>& columns, std::size_t group_rows,
                       std::string_view suffix)
    : width_(columns.size()) {
    if (columns.empty()) {
        throw error(SQLITE_MISUSE, "insert into '" + std::string(table) + "': no columns");
    }
    std::string prefix = std::string(verb) + " INTO " + quote_identifier(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        prefix += (i ? ", " : "") + quote_identifier(columns[i]);
    }
    prefix += ") VALUES ";
    std::string one_row = "(";
    for (std::size_t i = 0; i < columns.size(); ++i) one_row += i ? ", ?" : "?";
    one_row += ")";
    sql_ = prefix + one_row + std::string(suffix);
    bool groupable = verb == "INSERT" || verb == "INSERT OR ABORT" || verb == "INSERT OR IGNORE" ||
                     verb == "INSERT OR REPLACE" || verb == "REPLACE";
    std::size_t rows = std::min<std::size_t>(group_rows, 999 / width_);
    if (groupable && rows > 1) {
        group_rows_ = rows;
        group_sql_ = prefix;
        for (std::size_t r = 0; r < rows; ++r) group_sql_ += (r ? ", " : "") + one_row;
        group_sql_ += suffix;
    }
}

std::optional<row_insert::failure> row_insert::insert(blocking_connection& c,
                                                      const packed_rows& rows) const {
    const std::size_t count = rows.cells() / width_;
    std::size_t r = 0;
    if (group_rows_ > 1 && count >= group_rows_) {
        statement_lease group = c.prepare(group_sql_);
        sqlite3_stmt* stmt = group->handle();
        const std::size_t group_cells = group_rows_ * width_;
        for (; r + group_rows_ <= count; r += group_rows_) {
            int rc = rows.bind(stmt, r * width_, group_cells);
            if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
            if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
                failure f = failed_step(c, stmt, r);
                if (f.transaction_lost) return f;
                break;  // the rows from r on, one at a time, find the bad one
            }
            sqlite3_reset(stmt);
        }
    }
    if (r == count) return std::nullopt;
    statement_lease one = c.prepare(sql_);
    sqlite3_stmt* stmt = one->handle();
    for (; r < count; ++r) {
        int rc = rows.bind(stmt, r * width_, width_);
        if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) return failed_step(c, stmt, r);
        sqlite3_reset(stmt);
    }
    return std::nullopt;
}

}  // namespace uio::sqlite
