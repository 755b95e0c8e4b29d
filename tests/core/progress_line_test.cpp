// progress_line: one format for tree and table copies; paced; a rate over a rolling window.
#include "uio/core/progress_line.hpp"

#include "test_support.hpp"

using namespace std::chrono_literals;
using uio::progress_counts;
using uio::progress_line;

TEST_CASE("progress_line shows totals with a + while they grow, and an ETA once final") {
    progress_line line(200ms);
    const auto t0 = progress_line::clock::time_point{} + 1h;
    progress_counts c;
    c.bytes_total = 100 << 20;
    c.items_total = 40;
    c.total_final = false;
    std::string first = line.update(c, false, t0);
    CHECK(first.starts_with("\r\033[K0 B / 100.0 MiB+  0 / 40+ files"));
    CHECK(first.find("ETA --:--") != std::string::npos);
    CHECK(line.drawn());

    c.bytes_done = 10 << 20;
    c.items_done = 4;
    CHECK(line.update(c, false, t0 + 100ms).empty());  // paced

    c.total_final = true;
    std::string second = line.update(c, false, t0 + 1s);  // 10 MiB in 1 s: 90 MiB left, 9 s
    CHECK(second == "\r\033[K10.0 MiB / 100.0 MiB  4 / 40 files  10.0 MiB/s  ETA 0:09");

    std::string last = line.update(c, true, t0 + 1s + 1ms);  // final: never skipped
    CHECK(last.ends_with("\n"));
}

TEST_CASE("progress_line for rows with no known total shows no ETA") {
    progress_line line;
    progress_counts c;
    c.bytes_done = 2048;
    c.items_done = 310;
    c.items = "rows";
    std::string text = line.update(c);
    CHECK(text.starts_with("\r\033[K2.0 KiB  310 rows  "));
    CHECK(text.find("ETA") == std::string::npos);
    CHECK(uio::human_bytes(1536.0 * 1024 * 1024) == "1.5 GiB");
}
