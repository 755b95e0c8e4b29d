// split_copy: one large file with a cached source, copied from both ends at once. From the
// front, copy_file_range on a kernel-copy thread (page cache to page cache: on ext4 each
// buffered write holds the inode lock, so one file's buffered copy runs on one core however
// many threads share it); from the back, ring reads into buffers and O_DIRECT writes through
// a second descriptor (the device takes those bytes, no destination page is filled). The two
// meet where their speeds put them: no split ratio to tune for a busy CPU or a slow disk.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <optional>
#include <string>

#include <uio/core/offload.hpp>
#include <uio/core/semaphore.hpp>
#include <uio/core/task_group.hpp>
#include <uio/core/when_all.hpp>

#include "uio/fs/mover/data_mover.hpp"

namespace uio::fs {

namespace {

// What is left of [0, size): the front takes pieces from the start, the back takes
// `chunk`-aligned chunks from the end (the first one the file's tail). Shared by the loop
// thread and a kernel-copy thread.
class meeting_ranges {
  public:
    meeting_ranges(std::uint64_t size, std::uint64_t chunk) : back_(size), chunk_(chunk) {}

    std::optional<extent> take_front(std::uint64_t piece) {
        std::lock_guard lock(mutex_);
        if (stopped_ || front_ >= back_) return std::nullopt;
        const extent e{front_, std::min(piece, back_ - front_)};
        front_ += e.length;
        return e;
    }

    std::optional<extent> take_back() {
        std::lock_guard lock(mutex_);
        if (stopped_ || back_ <= front_) return std::nullopt;
        // Every boundary is a multiple of 4 KiB (pieces and chunks are), so each chunk but
        // the tail is whole blocks, as O_DIRECT wants; with the default sizes front_ is a
        // multiple of chunk_ and the max changes nothing.
        const std::uint64_t start = std::max(front_, (back_ - 1) / chunk_ * chunk_);
        const extent e{start, back_ - start};
        back_ = start;
        return e;
    }

    // Neither end takes more (an error on the other).
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }

  private:
    std::mutex mutex_;
    std::uint64_t front_ = 0;
    std::uint64_t back_;
    const std::uint64_t chunk_;
    bool stopped_ = false;
};

// copy_file_range cannot copy between these files (as data_mover::copy_file_range decides).
bool refused(int error) {
    return error == EXDEV || error == EINVAL || error == ENOSYS || error == EOPNOTSUPP ||
           error == EBADF;
}

struct owned_fd {
    explicit owned_fd(int f) : fd(f) {}
    int fd;
    owned_fd(const owned_fd&) = delete;
    owned_fd& operator=(const owned_fd&) = delete;
    ~owned_fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

uio::task<bool> data_mover::split_copy(int in, int out, std::uint64_t size, file_names names,
                                       std::pair<dev_t, dev_t> devices) {
    if (no_kernel_copy_.count(devices) > 0) co_return false;
    // A second open file description on the same file: O_DIRECT is a property of the
    // description, and the front's copy_file_range must stay buffered.
    const std::string self = "/proc/self/fd/" + std::to_string(out);
    const owned_fd back_fd(::open(self.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC));
    if (back_fd.fd < 0) co_return false;
    // ext4 finishes a direct write that extends the file before it takes the next: the
    // file gets its size first, and again after the last direct write (padded to a block).
    if (::ftruncate(out, static_cast<off_t>(size)) != 0) {
        fail("cannot extend " + quote(names.destination), errno);
    }
    meeting_ranges ranges(size, direct_buffers().size());

    // The front, on a kernel-copy thread: 0 or the errno, whether any byte moved, and the end
    // of what the front took.
    struct front_result {
        int error = 0;
        bool moved_any = false;
        std::uint64_t end = 0;
    };
    auto front = [&]() -> uio::task<front_result> {
        front_result r;
        co_await uio::offload(kernel_pool(), [&] {
            while (std::optional<extent> piece = ranges.take_front(split_piece)) {
                r.end = piece->offset + piece->length;
                loff_t in_at = static_cast<loff_t>(piece->offset), out_at = in_at;
                std::uint64_t left = piece->length;
                while (left > 0) {
                    ssize_t n = ::copy_file_range(in, &in_at, out, &out_at,
                                                  static_cast<std::size_t>(left), 0);
                    if (n < 0 && errno == EINTR) continue;
                    if (n <= 0) {  // 0: the source shrank; the caller's check reports it
                        r.error = n < 0 ? errno : 0;
                        // Refused at the first piece: the back takes all but this piece, the
                        // ring copies it below. Anything else: both ends stop.
                        if (r.moved_any || !refused(r.error)) ranges.stop();
                        return;
                    }
                    left -= static_cast<std::uint64_t>(n);
                    r.moved_any = true;
                    out_.bytes_copied += static_cast<std::uint64_t>(n);
                }
            }
        });
        co_return r;
    };
    auto back = [&]() -> uio::task<void> {
        try {
            uio::semaphore window(opts_.chunks_per_file);
            co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
                for (;;) {
                    uio::semaphore::permit permit = co_await window.acquire();
                    std::optional<extent> chunk = ranges.take_back();  // claimed when it can go
                    if (!chunk) break;
                    group.spawn(
                        [](uio::semaphore::permit, uio::task<void> work) -> uio::task<void> {
                            co_await std::move(work);
                        }(std::move(permit), copy_chunk(in, back_fd.fd, *chunk, names, nullptr,
                                                        true, false)));
                }
            });
        } catch (...) {
            ranges.stop();  // the front stops after its piece
            throw;
        }
    };
    uio::task<front_result> front_task = front();
    uio::task<void> back_task = back();
    auto results = co_await uio::when_all(std::move(front_task), std::move(back_task));
    const front_result done = std::get<0>(results);
    if (done.error != 0) {
        if (!refused(done.error) || done.moved_any) {
            fail("error copying " + quote(names.source) + " to " + quote(names.destination),
                 done.error);
        }
        // Refused at its first piece: the back stopped at the piece's end.
        if (done.error == EXDEV) no_kernel_copy_.insert(devices);
        const std::vector<extent> rest{{0, done.end}};
        co_await read_write(in, out, rest, names, nullptr, false);
    }
    if (::ftruncate(out, static_cast<off_t>(size)) != 0) {
        fail("cannot extend " + quote(names.destination), errno);
    }
    ++out_.strategies.direct;
    ++(done.moved_any ? out_.strategies.copy_file_range : out_.strategies.read_write);
    co_return true;
}

}  // namespace uio::fs
