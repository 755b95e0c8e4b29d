// statement: one prepared sqlite3_stmt, owned. Worker thread only, like the connection it
// came from. Bound text and blobs are not copied (SQLITE_STATIC): the values passed to
// bind_all must outlive the steps that follow, until reset().
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "uio/db/sqlite/rows.hpp"
#include "uio/db/sqlite/value.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace uio::sqlite {

class statement {
  public:
    statement() noexcept = default;
    // Prepares the first statement of `sql`; `tail` receives the unparsed rest.
    statement(sqlite3* db, std::string_view sql, std::string_view* tail = nullptr,
              bool persistent = true);
    statement(statement&& other) noexcept;
    statement& operator=(statement&& other) noexcept;
    ~statement();

    explicit operator bool() const noexcept { return stmt_ != nullptr; }
    sqlite3_stmt* handle() const noexcept { return stmt_; }
    std::string_view sql() const noexcept;
    int parameter_count() const noexcept;
    int column_count() const noexcept;

    void bind(int index, const value& v);  // index from 1, as in SQLite
    void bind_all(std::span<const value> params);
    // true: a row is ready; false: done. Throws sqlite::error naming this statement's SQL.
    bool step();
    value column(int index) const;
    // Steps to the end, collecting every row.
    rows read_all();
    // Collects at most `limit` rows (fetch_row's one), stepping no further.
    rows read_rows(std::size_t limit);
    // Ready for the next execution; drops bindings (they may point at freed values).
    void reset() noexcept;
    // Ready for the next execution, keeping bindings: for loops that rebind every parameter.
    void rewind() noexcept;

  private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

// True when `sql` holds only whitespace and comments (nothing left to prepare).
bool is_blank_sql(std::string_view sql) noexcept;

}  // namespace uio::sqlite
