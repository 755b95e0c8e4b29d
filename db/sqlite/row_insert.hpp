// row_insert: the statements and the loop that put packed rows into one table, run on the
// SQLite worker inside a transaction the caller holds. Whole groups of rows go through one
// multi-row INSERT (spreading SQLite's per-statement work — cursor, halt, reset — over many
// rows) while they go in cleanly; the rest, and a group that failed (its statement undid its
// own rows), go one row at a time, so that an error names its row. bulk_inserter and the
// ETL's table loads share it.
//
//   row_insert ins("INSERT", "sales", {"id", "region"}, 32);
//   if (auto failure = ins.insert(conn, rows)) ...   // on the worker thread
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "uio/db/sqlite/blocking_connection.hpp"
#include "uio/db/sqlite/packed_rows.hpp"

namespace uio::sqlite {

class row_insert {
  public:
    // `verb`: INSERT, INSERT OR IGNORE, REPLACE, ... Groups are used only where a failed
    // statement undoes just itself (ABORT, the default, IGNORE, REPLACE), and hold at most
    // 999 parameters (SQLite before 3.32). group_rows 1: no groups. `suffix` ends every
    // statement: an upsert clause (ON CONFLICT ... DO UPDATE ...), or nothing.
    row_insert(std::string_view verb, std::string_view table,
               const std::vector<std::string>& columns, std::size_t group_rows,
               std::string_view suffix = {});

    struct failure {
        std::size_t row = 0;  // the failing row's index in the batch; the rows before it are in
        int code = 0;         // SQLite's extended code
        std::string message;
        // SQLite rolled the whole transaction back (disk full, an I/O error): `row` is the
        // first row of the statement that failed, and nothing of the load is left.
        bool transaction_lost = false;
    };

    // Inserts every row of `rows` (width() cells each), in order. Returns the first failure,
    // if any. The bindings, which point into `rows`, are cleared as the statements go back
    // to the connection's cache.
    std::optional<failure> insert(blocking_connection& c, const packed_rows& rows) const;

    const std::string& sql() const noexcept { return sql_; }  // the one-row INSERT
    std::size_t width() const noexcept { return width_; }
    std::size_t group_rows() const noexcept { return group_rows_; }

  private:
    std::string sql_;
    std::string group_sql_;
    std::size_t width_ = 0;
    std::size_t group_rows_ = 1;
};

}  // namespace uio::sqlite
