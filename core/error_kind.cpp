// kind_of and exit_code: the one place that decides how a failure ends a command.
#include "uio/core/error_kind.hpp"

#include <system_error>

namespace uio {

std::string_view name(error_kind kind) noexcept {
    switch (kind) {
        case error_kind::usage:
            return "usage";
        case error_kind::data:
            return "data";
        case error_kind::io:
            return "io";
        case error_kind::database:
            return "database";
        case error_kind::internal:
            return "internal";
    }
    return "internal";
}

error_kind kind_of(const std::exception& error) noexcept {
    if (const auto* known = dynamic_cast<const has_error_kind*>(&error)) return known->kind();
    if (dynamic_cast<const std::system_error*>(&error)) return error_kind::io;
    return error_kind::internal;
}

error_kind kind_of(const std::exception_ptr& error) noexcept {
    if (!error) return error_kind::internal;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return kind_of(e);
    } catch (...) {
        return error_kind::internal;
    }
}

std::string failure_message(std::string_view program, const std::exception& error) {
    std::string out(program);
    out += ": ";
    if (kind_of(error) == error_kind::internal) out += "internal error: ";
    return out + error.what();
}

}  // namespace uio
