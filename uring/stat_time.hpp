// stat_time: a file's timestamp (struct stat's timespec, statx's statx_timestamp) as one
// count of nanoseconds since the epoch, the form in which ucopy compares times (the quick
// check, a source changed during its copy) and records them (the journal). One signed
// 64-bit count holds every time from 1678 to 2262, nanoseconds included.
//
//   if (uio::mtime_ns(source) != uio::mtime_ns(destination)) ...
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <ctime>

namespace uio {

[[nodiscard]] constexpr std::int64_t nanoseconds(const timespec& t) noexcept {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

[[nodiscard]] constexpr std::int64_t nanoseconds(const statx_timestamp& t) noexcept {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// Modification and status-change times of a stat, in nanoseconds.
[[nodiscard]] constexpr std::int64_t mtime_ns(const struct stat& st) noexcept {
    return nanoseconds(st.st_mtim);
}
[[nodiscard]] constexpr std::int64_t ctime_ns(const struct stat& st) noexcept {
    return nanoseconds(st.st_ctim);
}

}  // namespace uio
