// Bound query parameters: each C++ argument becomes one text-format parameter ($1, $2...),
// std::optional without a value and std::nullopt / nullptr become SQL NULL. Text format lets
// the server cast to the column's type, so "select $1::int8" takes an int, a string or a
// double alike. Values are converted before the query starts, so arguments may be
// temporaries.
//
//   co_await conn.execute("insert into t values ($1, $2)", 42, std::optional<std::string>{});
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace uio::pg {

class params {
  public:
    params() = default;
    template <class... Args>
    explicit params(const Args&... args) {
        values_.reserve(sizeof...(Args));
        (add(args), ...);
    }

    void add_null() { values_.emplace_back(std::nullopt); }
    void add_text(std::string text) { values_.emplace_back(std::move(text)); }

    template <class T>
    void add(const T& value) {
        using U = std::remove_cvref_t<T>;
        if constexpr (std::is_same_v<U, std::nullopt_t> || std::is_same_v<U, std::nullptr_t>) {
            add_null();
        } else if constexpr (std::is_same_v<U, bool>) {
            add_text(value ? "true" : "false");
        } else if constexpr (std::is_integral_v<U>) {
            add_text(std::to_string(value));
        } else if constexpr (std::is_floating_point_v<U>) {
            char buffer[64];
            auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
            add_text(std::string(buffer, end));
        } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
            add_text(std::string(std::string_view(value)));
        } else if constexpr (requires {
                                 value.has_value();
                                 *value;
                             }) {
            if (value.has_value()) {
                add(*value);
            } else {
                add_null();
            }
        } else {
            static_assert(sizeof(U) == 0, "uio::pg::params: no text conversion for this type");
        }
    }

    std::size_t size() const noexcept { return values_.size(); }
    const std::vector<std::optional<std::string>>& values() const noexcept { return values_; }

    // The pointer array libpq wants (nullptr for NULL); valid while *this is unchanged.
    std::vector<const char*> pointers() const {
        std::vector<const char*> out;
        out.reserve(values_.size());
        for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
        return out;
    }

  private:
    std::vector<std::optional<std::string>> values_;
};

}  // namespace uio::pg
