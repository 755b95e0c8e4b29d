// A std::chrono duration as the __kernel_timespec io_uring timeouts read. Negative
// durations become zero: the kernel rejects a negative tv_nsec, and "already late" means
// "expire now".
#pragma once

#include <linux/time_types.h>

#include <chrono>

namespace uio {

[[nodiscard]] constexpr __kernel_timespec to_kernel_timespec(std::chrono::nanoseconds d) noexcept {
    if (d.count() < 0) d = {};
    __kernel_timespec ts{};
    ts.tv_sec = static_cast<long long>(d.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long long>(d.count() % 1'000'000'000);
    return ts;
}

}  // namespace uio
