// sqlite::rows: a query's complete result, copied out of SQLite on the worker thread so it
// can travel back to the caller's loop thread. Cells are stored row-major in one vector. A
// row is a view valid while its rows lives, except fetch_row's, which keeps its own alive.
//
//   sqlite::rows r = co_await db.fetch("SELECT id, name FROM users WHERE age > ?", 30);
//   for (auto row : r) use(row.get<std::int64_t>(0), row.get<std::optional<std::string>>("name"));
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "uio/db/sqlite/value.hpp"

namespace uio::sqlite {

class rows {
  public:
    class row {
      public:
        row(const rows* owner, std::size_t index) noexcept : owner_(owner), index_(index) {}
        // Row `index` of `keep`, holding a share of it so it stays valid on its own
        // (fetch_row's rows).
        row(std::shared_ptr<const rows> keep, std::size_t index) noexcept
            : owner_(keep.get()), index_(index), keep_(std::move(keep)) {}
        std::size_t size() const noexcept { return owner_->width(); }
        const value& operator[](std::size_t column) const;
        // Typed access by position or by column name; errors name the column.
        template <class T>
        T get(std::size_t column) const;
        template <class T>
        T get(std::string_view name) const {
            return get<T>(owner_->column_index(name));
        }

      private:
        const rows* owner_;
        std::size_t index_;
        std::shared_ptr<const rows> keep_;  // empty for views into a rows the caller holds
    };

    class iterator {
      public:
        using value_type = row;
        using difference_type = std::ptrdiff_t;
        iterator() noexcept = default;
        iterator(const rows* owner, std::size_t index) noexcept : owner_(owner), index_(index) {}
        row operator*() const noexcept { return row(owner_, index_); }
        iterator& operator++() noexcept {
            ++index_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++index_;
            return old;
        }
        friend bool operator==(const iterator&, const iterator&) = default;

      private:
        const rows* owner_ = nullptr;
        std::size_t index_ = 0;
    };

    rows() = default;
    explicit rows(std::vector<std::string> columns) : columns_(std::move(columns)) {}

    std::size_t size() const noexcept { return columns_.empty() ? 0 : cells_.size() / width(); }
    bool empty() const noexcept { return cells_.empty(); }
    std::size_t width() const noexcept { return columns_.size(); }
    const std::vector<std::string>& columns() const noexcept { return columns_; }
    // Position of a column by name; throws sqlite::error (SQLITE_RANGE) when absent.
    std::size_t column_index(std::string_view name) const;

    row operator[](std::size_t index) const;
    iterator begin() const noexcept { return iterator(this, 0); }
    iterator end() const noexcept { return iterator(this, size()); }

    // For the reader on the worker thread.
    void push(value cell) { cells_.push_back(std::move(cell)); }

  private:
    friend class row;
    [[noreturn]] void rethrow_for_column(std::size_t column) const;

    std::vector<std::string> columns_;
    std::vector<value> cells_;
};

template <class T>
T rows::row::get(std::size_t column) const {
    const value& cell = (*this)[column];
    try {
        return cell.template as<T>();
    } catch (...) {
        owner_->rethrow_for_column(column);
    }
}

}  // namespace uio::sqlite
