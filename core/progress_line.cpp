// progress_line: a rolling window of (time, bytes) samples gives the rate; the text is
// formatted here and nowhere else.
#include "uio/core/progress_line.hpp"

#include <cstdio>

namespace uio {

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

std::string progress_line::update(const progress_counts& c, bool final, clock::time_point now) {
    if (!final && drawn_ && now - last_ < interval_) return {};
    last_ = now;
    drawn_ = true;

    samples_.emplace_back(now, c.bytes_done);
    while (samples_.size() > 2 && now - samples_.front().first > std::chrono::seconds(5)) {
        samples_.pop_front();
    }
    double window = std::chrono::duration<double>(now - samples_.front().first).count();
    double rate =
        window > 0 ? static_cast<double>(c.bytes_done - samples_.front().second) / window : 0;

    const char* more = c.total_final ? "" : "+";
    std::string line = "\r\033[K" + human_bytes(static_cast<double>(c.bytes_done));
    if (c.bytes_total > 0) line += " / " + human_bytes(static_cast<double>(c.bytes_total)) + more;
    line += "  " + std::to_string(c.items_done);
    if (c.items_total > 0) line += " / " + std::to_string(c.items_total) + more;
    line += std::string(" ") + c.items + "  " + human_bytes(rate) + "/s";
    if (c.bytes_total > 0) {
        std::string eta = "--:--";
        if (c.total_final && rate > 0 && c.bytes_total >= c.bytes_done) {
            auto seconds =
                static_cast<long>(static_cast<double>(c.bytes_total - c.bytes_done) / rate);
            char text[32];
            std::snprintf(text, sizeof text, "%ld:%02ld", seconds / 60, seconds % 60);
            eta = text;
        }
        line += "  ETA " + eta;
    }
    if (final) line += '\n';
    return line;
}

}  // namespace uio
