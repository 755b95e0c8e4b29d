// Counting only; the counters belong to report, the drawing to progress_line.
#include "uio/fs/progress.hpp"

#include <cstdio>

#include <uio/uring/timeout.hpp>

namespace ucopy {

uio::task<void> progress::run(const bool& done) {
    while (!done) {
        co_await uio::sleep_for(std::chrono::milliseconds(100));
        draw(done);
    }
}

void progress::draw(bool final) {
    uio::progress_counts c;
    c.bytes_done = counts_.bytes_copied.load();
    c.bytes_total = counts_.bytes_seen;
    c.items_done = counts_.files_done;
    c.items_total = counts_.files_seen;
    c.items = "files";
    c.total_final = counts_.walk_finished;
    std::string text = line_.update(c, final);
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace ucopy
