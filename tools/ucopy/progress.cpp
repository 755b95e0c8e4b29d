// Drawing only; the counters belong to report.
#include "progress.hpp"

#include <cstdio>
#include <string>

#include <uio/uring/timeout.hpp>

namespace ucopy {

std::string human_bytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
    return text;
}

uio::task<void> progress::run(const bool& done) {
    while (!done) {
        co_await uio::sleep_for(std::chrono::milliseconds(100));
        draw(done);
    }
}

void progress::draw(bool final) {
    const auto now = clock::now();
    const std::uint64_t bytes = counts_.bytes_copied.load();
    samples_.emplace_back(now, bytes);
    while (samples_.size() > 2 && now - samples_.front().first > std::chrono::seconds(5)) {
        samples_.pop_front();
    }
    double window = std::chrono::duration<double>(now - samples_.front().first).count();
    double rate = window > 0 ? static_cast<double>(bytes - samples_.front().second) / window : 0;
    const char* more = counts_.walk_finished ? "" : "+";
    std::string eta = "--:--";
    if (counts_.walk_finished && rate > 0 && counts_.bytes_seen >= bytes) {
        auto seconds = static_cast<long>(static_cast<double>(counts_.bytes_seen - bytes) / rate);
        char text[32];
        std::snprintf(text, sizeof text, "%ld:%02ld", seconds / 60, seconds % 60);
        eta = text;
    }
    std::fprintf(stderr, "\r\033[K%s / %s%s  %llu / %llu%s files  %s/s  ETA %s%s",
                 human_bytes(static_cast<double>(bytes)).c_str(),
                 human_bytes(static_cast<double>(counts_.bytes_seen)).c_str(), more,
                 static_cast<unsigned long long>(counts_.files_done),
                 static_cast<unsigned long long>(counts_.files_seen), more,
                 human_bytes(rate).c_str(), eta.c_str(), final ? "\n" : "");
    std::fflush(stderr);
}

}  // namespace ucopy
