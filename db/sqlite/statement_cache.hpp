// statement_cache: prepared statements by SQL text, least recently used evicted first.
// A lease takes the statement out of the cache while it runs and puts it back, reset, when
// it ends, so a statement used again while in use (a nested query) simply gets a fresh one.
// Worker thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "uio/db/sqlite/statement.hpp"

namespace uio::sqlite {

class statement_cache;

class statement_lease {
  public:
    statement_lease(statement_cache* cache, std::string sql, statement stmt) noexcept
        : cache_(cache), sql_(std::move(sql)), stmt_(std::move(stmt)) {}
    statement_lease(statement_lease&& other) noexcept;
    statement_lease& operator=(statement_lease&&) = delete;
    ~statement_lease();

    statement& operator*() noexcept { return stmt_; }
    statement* operator->() noexcept { return &stmt_; }

  private:
    statement_cache* cache_;
    std::string sql_;
    statement stmt_;
};

class statement_cache {
  public:
    explicit statement_cache(std::size_t capacity) : capacity_(capacity) {}

    // The cached statement for `sql` or a newly prepared one. `tail` as in statement().
    statement_lease acquire(sqlite3* db, std::string_view sql, std::string_view* tail = nullptr);
    void clear() noexcept { entries_.clear(); }
    std::size_t size() const noexcept { return entries_.size(); }
    std::uint64_t hits() const noexcept { return hits_; }

  private:
    friend class statement_lease;
    void put_back(std::string sql, statement stmt) noexcept;

    struct entry {
        statement stmt;
        std::uint64_t last_used = 0;
    };
    std::size_t capacity_;
    std::uint64_t clock_ = 0;
    std::uint64_t hits_ = 0;
    std::unordered_map<std::string, entry> entries_;
};

}  // namespace uio::sqlite
