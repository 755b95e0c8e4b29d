#include "uio/core/errors.hpp"

namespace uio {

bool is_cancellation(const std::exception_ptr& error) noexcept {
    if (!error) return false;
    try {
        std::rethrow_exception(error);
    } catch (const std::system_error& e) {
        return e.code() == std::errc::operation_canceled;
    } catch (...) {
        return false;
    }
}

void throw_errno(int error_number, const std::string& context) {
    if (error_number < 0) error_number = -error_number;
    throw std::system_error(error_number, std::generic_category(), context);
}

}  // namespace uio
