// statement_cache: an LRU by a use counter; eviction scans (the cache is small, misses rare).
#include "uio/db/sqlite/statement_cache.hpp"

#include <algorithm>

namespace uio::sqlite {

statement_lease::statement_lease(statement_lease&& other) noexcept
    : cache_(std::exchange(other.cache_, nullptr)),
      sql_(std::move(other.sql_)),
      stmt_(std::move(other.stmt_)) {}

statement_lease::~statement_lease() {
    if (!cache_ || !stmt_) return;
    stmt_.reset();
    cache_->put_back(std::move(sql_), std::move(stmt_));
}

statement_lease statement_cache::acquire(sqlite3* db, std::string_view sql,
                                         std::string_view* tail) {
    std::string key(sql);
    if (auto it = entries_.find(key); it != entries_.end()) {
        statement stmt = std::move(it->second.stmt);
        entries_.erase(it);
        ++hits_;
        // Only single statements are cached (see put_back), so nothing is left over.
        if (tail) *tail = {};
        return statement_lease(this, std::move(key), std::move(stmt));
    }
    std::string_view rest;
    statement stmt(db, sql, &rest, capacity_ > 0);
    if (tail) *tail = rest;
    // A multi-statement text is not cached: its key would not describe the statement.
    return statement_lease(is_blank_sql(rest) && capacity_ > 0 ? this : nullptr, std::move(key),
                           std::move(stmt));
}

void statement_cache::put_back(std::string sql, statement stmt) noexcept {
    try {
        if (entries_.count(sql)) return;  // a nested use already returned one
        if (entries_.size() >= capacity_) {
            auto oldest = std::min_element(entries_.begin(), entries_.end(), [](auto& a, auto& b) {
                return a.second.last_used < b.second.last_used;
            });
            entries_.erase(oldest);
        }
        entries_.emplace(std::move(sql), entry{std::move(stmt), ++clock_});
    } catch (...) {
        // Out of memory: the statement is finalized instead of cached.
    }
}

}  // namespace uio::sqlite
