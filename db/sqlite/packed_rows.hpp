// packed_rows: a batch of rows to insert, in two flat buffers: fixed-size cells, and one byte
// buffer holding every TEXT and BLOB. Filling it allocates nothing once the buffers have
// grown to a batch's size (they are reused batch after batch), and the worker binds text
// straight out of it (SQLITE_STATIC): no std::string per value, no copy per bind. Filled on
// one thread, handed whole to the SQLite worker (bulk_inserter, row_insert).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "uio/db/sqlite/value.hpp"

struct sqlite3_stmt;

namespace uio::sqlite {

class packed_rows {
  public:
    // Keeps the buffers' capacity.
    void clear() noexcept {
        cells_.clear();
        bytes_.clear();
    }
    void reserve(std::size_t cells) { cells_.reserve(cells); }
    // Drops the cells from `cells` on (a half-added row); their bytes stay unused.
    void truncate(std::size_t cells) noexcept {
        cells_.erase(cells_.begin() + static_cast<std::ptrdiff_t>(cells), cells_.end());
    }
    std::size_t cells() const noexcept { return cells_.size(); }
    std::size_t bytes() const noexcept { return bytes_.size(); }

    void push_null() { cells_.push_back(cell{{0}, 0, value_type::null_value}); }
    void push_integer(std::int64_t v) { cells_.push_back(cell{{v}, 0, value_type::integer}); }
    void push_real(double v) {
        cell c{{0}, 0, value_type::real};
        c.real = v;
        cells_.push_back(c);
    }
    void push_text(std::string_view text) {
        push_bytes(text.data(), text.size(), value_type::text);
    }
    void push_blob(std::span<const std::byte> data) {
        push_bytes(reinterpret_cast<const char*>(data.data()), data.size(), value_type::blob_value);
    }
    void push(const value& v);
    bool is_null(std::size_t at) const noexcept {
        return cells_[at].type == value_type::null_value;
    }
    // Appends cells [first, first + count) of `from`, its text and blobs copied.
    void append_cells(const packed_rows& from, std::size_t first, std::size_t count);

    // Binds cells [first, first + count) to parameters 1..count of `stmt`, text and blobs
    // by pointer into this batch (valid until the batch is cleared). Returns SQLite's code.
    int bind(sqlite3_stmt* stmt, std::size_t first, std::size_t count) const noexcept;

  private:
    void push_bytes(const char* data, std::size_t size, value_type type) {
        cell c{{static_cast<std::int64_t>(bytes_.size())}, size, type};
        bytes_.append(data, size);
        cells_.push_back(c);
    }

    struct cell {
        union {
            std::int64_t integer;  // INTEGER; for TEXT and BLOB: the offset into bytes_
            double real;
        };
        std::size_t size;  // TEXT and BLOB
        value_type type;
    };
    std::vector<cell> cells_;
    std::string bytes_;
};

}  // namespace uio::sqlite

namespace uio::sqlite::detail {

// Appends one bulk-insert argument: text-like and byte-span arguments are copied into the
// batch's byte buffer directly; everything else goes through to_value (no allocation for
// numbers and NULLs).
template <class T>
void push_param(packed_rows& out, T&& x) {
    using U = std::remove_cvref_t<T>;
    if constexpr (is_optional<U>::value) {
        if (!x) {
            out.push_null();
        } else {
            push_param(out, *std::forward<T>(x));
        }
    } else if constexpr (std::is_same_v<U, value> || std::is_same_v<U, null_t> ||
                         std::is_same_v<U, std::nullopt_t> || std::is_same_v<U, std::nullptr_t> ||
                         std::is_arithmetic_v<U>) {
        out.push(to_value(std::forward<T>(x)));
    } else if constexpr (std::is_convertible_v<const U&, std::span<const std::byte>>) {
        out.push_blob(std::span<const std::byte>(x));
    } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
        out.push_text(std::string_view(x));
    } else {
        out.push(to_value(std::forward<T>(x)));
    }
}

}  // namespace uio::sqlite::detail
