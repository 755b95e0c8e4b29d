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

class csv_batch {
  public:
    std::size_t size() const noexcept { return rows_.size(); }
    bool empty() const noexcept { return rows_.empty(); }
    csv_row operator[](std::size_t index) const noexcept { return csv_row(this, index); }
    std::size_t bytes() const noexcept { return data_.size(); }
    // Adds `other`'s rows after these (a feed() and the finish() after it as one sample).
    void append(csv_batch&& other);

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
    struct field {
        std::size_t offset;
        std::size_t size;
        bool null;
    };
    struct row_info {
        std::size_t first_field;
        std::size_t count;
        std::uint64_t line;
    };
    std::string data_;
    std::vector<field> fields_;
    std::vector<row_info> rows_;
};

inline void csv_batch::append(csv_batch&& other) {
    if (rows_.empty()) {
        *this = std::move(other);
        return;
    }
    const std::size_t data_base = data_.size(), field_base = fields_.size();
    data_ += other.data_;
    for (field f : other.fields_) {
        f.offset += data_base;
        fields_.push_back(f);
    }
    for (row_info r : other.rows_) {
        r.first_field += field_base;
        rows_.push_back(r);
    }
}

inline std::size_t csv_row::size() const noexcept {
    return batch_->rows_[index_].count;
}

inline std::optional<std::string_view> csv_row::operator[](std::size_t column) const noexcept {
    const auto& r = batch_->rows_[index_];
    if (column >= r.count) return std::nullopt;
    const auto& f = batch_->fields_[r.first_field + column];
    if (f.null) return std::nullopt;
    return std::string_view(batch_->data_).substr(f.offset, f.size);
}

inline std::uint64_t csv_row::line() const noexcept {
    return batch_->rows_[index_].line;
}

}  // namespace uio::formats
