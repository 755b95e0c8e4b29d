// Query results with typed access. A result owns its PGresult; rows and fields are cheap
// views into it (valid while the result lives), except rows yielded by a stream, which keep
// their own one-row PGresult alive.
//
//   pg::result r = co_await conn.fetch("select id, name from t");
//   for (pg::row row : r) use(row[0].as<std::int64_t>(), row[1].as<std::optional<std::string>>());
//
// as<T>() parses the text the server sent: integers, double, bool, std::string,
// std::string_view (points into the result), and std::optional<T> (NULL → nullopt). A NULL
// read as a non-optional T, or text that does not parse as T, throws pg::error.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

extern "C" {
struct pg_result;
}

namespace uio::pg {

namespace detail {
struct result_deleter {
    void operator()(pg_result* r) const noexcept;
};
using result_ptr = std::shared_ptr<pg_result>;
result_ptr adopt(pg_result* r);

const char* value_at(const pg_result* r, int row, int column, int* length, bool* is_null);
[[noreturn]] void throw_conversion(const pg_result* r, int column, std::string_view text,
                                   const char* type);
[[noreturn]] void throw_null(const pg_result* r, int column);
bool parse_bool(std::string_view text, bool* out);
bool parse_double(std::string_view text, double* out);
bool parse_int(std::string_view text, std::int64_t* out);
}  // namespace detail

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

class field {
  public:
    field(const pg_result* r, int row, int column) noexcept : r_(r), row_(row), column_(column) {}

    bool is_null() const noexcept {
        int length = 0;
        bool null = false;
        detail::value_at(r_, row_, column_, &length, &null);
        return null;
    }
    // The raw text ("" for NULL).
    std::string_view text() const noexcept {
        int length = 0;
        bool null = false;
        const char* value = detail::value_at(r_, row_, column_, &length, &null);
        return {value, static_cast<std::size_t>(length)};
    }

    template <class T>
    T as() const {
        if constexpr (is_optional<T>::value) {
            if (is_null()) return std::nullopt;
            return as<typename T::value_type>();
        } else {
            if (is_null()) detail::throw_null(r_, column_);
            std::string_view t = text();
            if constexpr (std::is_same_v<T, std::string>) {
                return std::string(t);
            } else if constexpr (std::is_same_v<T, std::string_view>) {
                return t;
            } else if constexpr (std::is_same_v<T, bool>) {
                bool out = false;
                if (!detail::parse_bool(t, &out)) detail::throw_conversion(r_, column_, t, "bool");
                return out;
            } else if constexpr (std::is_floating_point_v<T>) {
                double out = 0;
                if (!detail::parse_double(t, &out)) {
                    detail::throw_conversion(r_, column_, t, "double");
                }
                return static_cast<T>(out);
            } else if constexpr (std::is_integral_v<T>) {
                std::int64_t out = 0;
                if (!detail::parse_int(t, &out) ||
                    out < std::int64_t(std::numeric_limits<T>::min()) ||
                    (out > 0 &&
                     std::uint64_t(out) > std::uint64_t(std::numeric_limits<T>::max()))) {
                    detail::throw_conversion(r_, column_, t, "integer");
                }
                return static_cast<T>(out);
            } else {
                static_assert(sizeof(T) == 0, "uio::pg::field::as: unsupported type");
            }
        }
    }

  private:
    const pg_result* r_;
    int row_;
    int column_;
};

class row {
  public:
    // A view of row `index` of `r`; `keep` (optional) keeps a streamed row's result alive.
    row(const pg_result* r, int index, detail::result_ptr keep = {}) noexcept
        : r_(r), index_(index), keep_(std::move(keep)) {}

    field operator[](int column) const noexcept { return field(r_, index_, column); }
    field operator[](std::string_view column_name) const;
    int size() const noexcept;
    int index() const noexcept { return index_; }

  private:
    const pg_result* r_;
    int index_;
    detail::result_ptr keep_;
};

class result {
  public:
    result() = default;
    explicit result(pg_result* r) : r_(detail::adopt(r)) {}

    int rows() const noexcept;
    int columns() const noexcept;
    bool empty() const noexcept { return rows() == 0; }
    row operator[](int index) const noexcept { return row(r_.get(), index); }
    // Row `index` holding a share of this result, so it stays valid after the result is gone
    // (executor::fetch_row's rows).
    row row_keeping_result(int index) const noexcept { return row(r_.get(), index, r_); }
    std::string column_name(int column) const;
    // Rows a command touched (INSERT/UPDATE/DELETE/COPY...), from the command tag.
    std::int64_t affected_rows() const noexcept;
    // The command tag, e.g. "INSERT 0 1".
    std::string command_tag() const;
    pg_result* native() const noexcept { return r_.get(); }

    class iterator {
      public:
        iterator(const pg_result* r, int i) noexcept : r_(r), i_(i) {}
        row operator*() const noexcept { return row(r_, i_); }
        iterator& operator++() noexcept {
            ++i_;
            return *this;
        }
        bool operator==(const iterator& o) const noexcept { return i_ == o.i_; }

      private:
        const pg_result* r_;
        int i_;
    };
    iterator begin() const noexcept { return {r_.get(), 0}; }
    iterator end() const noexcept { return {r_.get(), rows()}; }

  private:
    detail::result_ptr r_;
};

}  // namespace uio::pg
