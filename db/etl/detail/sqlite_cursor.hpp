// sqlite_cursor: a query's rows formatted in slices on the SQLite worker thread — as CSV or
// JSON Lines text of about `bytes` each — so an export of any size takes constant memory
// and the loop thread only moves finished chunks. One open statement; SQLite keeps its read
// snapshot until the statement finishes.
//
// Lifetime: must not outlive its database. Belongs to one task.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/formats/csv_writer.hpp"
#include "uio/db/sqlite/database.hpp"

namespace uio::etl {

class sqlite_cursor {
  public:
    static task<sqlite_cursor> open(sqlite::database& db, std::string sql);

    // Names and declared types (kinds) of the result's columns.
    const std::vector<column_spec>& columns() const noexcept;
    // The next rows as text ("" once every row has been formatted).
    task<std::string> next_csv(formats::csv_writer writer, std::size_t bytes);
    task<std::string> next_jsonl(std::size_t bytes);
    std::int64_t rows() const noexcept;

    struct state;

  private:
    sqlite_cursor(sqlite::database& db, std::shared_ptr<state> s) : db_(&db), s_(std::move(s)) {}
    sqlite::database* db_;
    std::shared_ptr<state> s_;
};

// "SELECT * FROM table" or the query, for a SQLite endpoint.
std::string sqlite_select(const std::string& table, const std::string& query);

}  // namespace uio::etl
