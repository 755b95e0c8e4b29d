// sqlite::value: one SQLite cell (NULL, INTEGER, REAL, TEXT, BLOB), used both for bound
// parameters and for query results. Reading is strict: as<std::int64_t>() on TEXT or NULL
// throws instead of guessing; read a nullable column as std::optional<T>. Text is bytes
// (UTF-8 by convention) and may hold NULs; an empty string and NULL are different values.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace uio::sqlite {

struct null_t {
    friend bool operator==(null_t, null_t) = default;
};
inline constexpr null_t null{};

using blob = std::vector<std::byte>;

enum class value_type { null_value, integer, real, text, blob_value };

// "NULL", "INTEGER", "REAL", "TEXT", "BLOB".
const char* type_name(value_type type) noexcept;

namespace detail {
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
[[noreturn]] void throw_mismatch(value_type actual, const char* wanted);
[[noreturn]] void throw_out_of_range(const char* what);
}  // namespace detail

class value {
  public:
    value() noexcept = default;
    value(null_t) noexcept {}
    template <std::signed_integral I>
    value(I v) noexcept : v_(static_cast<std::int64_t>(v)) {}
    value(double v) noexcept : v_(v) {}
    value(std::string v) noexcept : v_(std::move(v)) {}
    value(blob v) noexcept : v_(std::move(v)) {}

    value_type type() const noexcept { return static_cast<value_type>(v_.index()); }
    bool is_null() const noexcept { return v_.index() == 0; }

    // Strict typed access. T: std::int64_t and other integers (range-checked), bool, double
    // (from REAL or INTEGER), std::string, std::string_view (valid while this value lives),
    // blob, std::span<const std::byte>, or std::optional of any of these for NULL.
    template <class T>
    T as() const;

    const auto& variant() const noexcept { return v_; }
    friend bool operator==(const value&, const value&) = default;

  private:
    std::variant<null_t, std::int64_t, double, std::string, blob> v_;
};

template <class T>
T value::as() const {
    if constexpr (detail::is_optional<T>::value) {
        if (is_null()) return std::nullopt;
        return as<typename T::value_type>();
    } else if constexpr (std::is_same_v<T, bool>) {
        return as<std::int64_t>() != 0;
    } else if constexpr (std::is_integral_v<T>) {
        if (v_.index() != 1) detail::throw_mismatch(type(), "INTEGER");
        std::int64_t v = std::get<1>(v_);
        if constexpr (!std::is_same_v<T, std::int64_t>) {
            if (!std::in_range<T>(v)) detail::throw_out_of_range("integer does not fit the type");
        }
        return static_cast<T>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
        if (v_.index() == 1) return static_cast<T>(std::get<1>(v_));
        if (v_.index() != 2) detail::throw_mismatch(type(), "REAL");
        return static_cast<T>(std::get<2>(v_));
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
        if (v_.index() != 3) detail::throw_mismatch(type(), "TEXT");
        return T(std::get<3>(v_));
    } else if constexpr (std::is_same_v<T, blob> || std::is_same_v<T, std::span<const std::byte>>) {
        if (v_.index() != 4) detail::throw_mismatch(type(), "BLOB");
        return T(std::get<4>(v_));
    } else {
        static_assert(sizeof(T) == 0, "sqlite::value::as<T>: unsupported T");
    }
}

// to_value(x): how a C++ argument becomes a bound parameter. NULL from sqlite::null,
// std::nullopt, nullptr or an empty std::optional; integers (unsigned ones above INT64_MAX
// throw), bool, floating point, strings (text), blob or std::span<const std::byte>.
template <class T>
value to_value(T&& x) {
    using U = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<U, value>) {
        return std::forward<T>(x);
    } else if constexpr (std::is_same_v<U, null_t> || std::is_same_v<U, std::nullopt_t> ||
                         std::is_same_v<U, std::nullptr_t>) {
        return value();
    } else if constexpr (detail::is_optional<U>::value) {
        if (!x) return value();
        return to_value(*std::forward<T>(x));
    } else if constexpr (std::is_same_v<U, bool>) {
        return value(static_cast<std::int64_t>(x ? 1 : 0));
    } else if constexpr (std::is_integral_v<U>) {
        if constexpr (std::is_unsigned_v<U> && sizeof(U) >= sizeof(std::int64_t)) {
            if (x > static_cast<U>(std::numeric_limits<std::int64_t>::max())) {
                detail::throw_out_of_range("unsigned parameter above INT64_MAX");
            }
        }
        return value(static_cast<std::int64_t>(x));
    } else if constexpr (std::is_floating_point_v<U>) {
        return value(static_cast<double>(x));
    } else if constexpr (std::is_same_v<U, blob>) {
        return value(blob(std::forward<T>(x)));
    } else if constexpr (std::is_convertible_v<const U&, std::span<const std::byte>>) {
        std::span<const std::byte> bytes = x;
        return value(blob(bytes.begin(), bytes.end()));
    } else if constexpr (std::is_same_v<U, std::string>) {
        return value(std::string(std::forward<T>(x)));
    } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
        return value(std::string(std::string_view(x)));
    } else {
        static_assert(sizeof(U) == 0, "sqlite::to_value: no conversion for this parameter type");
    }
}

// Packs call arguments into a parameter list.
template <class... P>
std::vector<value> make_params(P&&... params) {
    std::vector<value> out;
    out.reserve(sizeof...(P));
    (out.push_back(to_value(std::forward<P>(params))), ...);
    return out;
}

}  // namespace uio::sqlite
