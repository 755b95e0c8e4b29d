// csv_batch: the complete rows one feed() produced, owning their bytes, so a batch can be
// parsed on a thread pool and handed to another thread. Fields are std::optional views
// (nullopt for NULL) valid while the batch lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "uio/db/formats/row_storage.hpp"

namespace uio::formats {

class csv_batch;

class csv_row {
  public:
    csv_row(const csv_batch* batch, std::size_t index) noexcept : batch_(batch), index_(index) {}
    std::size_t size() const noexcept;
    std::optional<std::string_view> operator[](std::size_t column) const noexcept;
    std::uint64_t line() const noexcept;  // where the row starts in the input

  private:
    const csv_batch* batch_;
    std::size_t index_;
};

namespace detail {
struct csv_stored_field {
    std::size_t offset;
    std::size_t size;
    bool null;
};
}  // namespace detail

class csv_batch : public detail::row_storage<detail::csv_stored_field> {
  public:
    std::size_t size() const noexcept { return rows_.size(); }
    bool empty() const noexcept { return rows_.empty(); }
    csv_row operator[](std::size_t index) const noexcept { return csv_row(this, index); }
    std::size_t bytes() const noexcept { return data_.size(); }

    class iterator {
      public:
        using value_type = csv_row;
        using difference_type = std::ptrdiff_t;
        iterator() noexcept = default;
        iterator(const csv_batch* b, std::size_t i) noexcept : b_(b), i_(i) {}
        csv_row operator*() const noexcept { return csv_row(b_, i_); }
        iterator& operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++i_;
            return old;
        }
        friend bool operator==(const iterator&, const iterator&) = default;

      private:
        const csv_batch* b_ = nullptr;
        std::size_t i_ = 0;
    };
    iterator begin() const noexcept { return iterator(this, 0); }
    iterator end() const noexcept { return iterator(this, size()); }

  private:
    friend class csv_row;
    friend class csv_reader;
    friend class tsv_reader;
};

inline std::size_t csv_row::size() const noexcept {
    return batch_->rows_[index_].count;
}

inline std::optional<std::string_view> csv_row::operator[](std::size_t column) const noexcept {
    const auto& r = batch_->rows_[index_];
    if (column >= r.count) return std::nullopt;
    const auto& f = batch_->fields_[r.first + column];
    if (f.null) return std::nullopt;
    return std::string_view(batch_->data_).substr(f.offset, f.size);
}

inline std::uint64_t csv_row::line() const noexcept {
    return batch_->rows_[index_].line;
}

}  // namespace uio::formats
