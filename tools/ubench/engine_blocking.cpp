// The baselines: what a program without io_uring does. One thread issuing pread/pwrite one
// at a time, and N threads each doing the same to keep N requests in flight.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <latch>
#include <thread>
#include <vector>

#include "checksum.hpp"
#include "engines.hpp"
#include "io_helpers.hpp"

namespace ubench {

namespace {

void full_pread(int fd, std::span<std::byte> buffer, std::uint64_t offset, const char* what) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        ssize_t n = ::pread(fd, buffer.data() + done, buffer.size() - done,
                            static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail_errno(n < 0 ? errno : EIO, what);
        done += static_cast<std::size_t>(n);
    }
}

void full_pwrite(int fd, std::span<const std::byte> buffer, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        ssize_t n = ::pwrite(fd, buffer.data() + done, buffer.size() - done,
                             static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail_errno(n < 0 ? errno : EIO, "pwrite");
        done += static_cast<std::size_t>(n);
    }
}

// One operation, blocking; returns the hash of what it read (0 for writes).
std::uint64_t do_operation(const job& work, int fd, std::uint64_t index, std::span<std::byte> buf) {
    switch (work.kind) {
        case workload_kind::random_read:
        case workload_kind::sequential_read: {
            std::uint64_t offset = work.offset_of(index);
            full_pread(fd, buf, offset, "pread");
            return block_hash(buf, offset);
        }
        case workload_kind::sequential_write: {
            std::uint64_t offset = work.offset_of(index);
            std::memcpy(buf.data(), work.image + offset, buf.size());
            full_pwrite(fd, buf, offset);
            return 0;
        }
        case workload_kind::small_files: {
            std::string path = work.small_path(index);
            int file = ::open(path.c_str(), small_file_flags(work));
            if (file < 0) fail_errno(errno, "open '" + path + "'");
            full_pread(file, buf, 0, "pread small file");
            ::close(file);
            return block_hash(buf, hash_position(work, index));
        }
    }
    return 0;
}

struct fd_guard {
    int fd;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

run_result run_blocking(const job& work) {
    fd_guard data{work.kind == workload_kind::small_files ? -1 : open_data_file(work)};
    aligned_buffer buffer(work.block_size);
    run_result result;
    result.latency_ns.resize(work.operations);
    auto start = clock_type::now();
    for (std::uint64_t i = 0; i < work.operations; ++i) {
        auto t0 = clock_type::now();
        result.checksum += do_operation(work, data.fd, i, buffer.span());
        result.latency_ns[i] = elapsed_ns(t0, clock_type::now());
    }
    if (work.writes() && ::fdatasync(data.fd) != 0) fail_errno(errno, "fdatasync");
    result.seconds = seconds_between(start, clock_type::now());
    result.operations = work.operations;
    result.bytes = work.operations * work.block_size;
    return result;
}

run_result run_thread_pool(const job& work) {
    fd_guard data{work.kind == workload_kind::small_files ? -1 : open_data_file(work)};
    const unsigned threads = work.queue_depth;
    run_result result;
    result.latency_ns.resize(work.operations);
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> checksum{0};
    std::vector<std::exception_ptr> errors(threads);
    std::latch ready(threads + 1);
    std::latch go(1);
    {
        std::vector<std::jthread> workers;
        workers.reserve(threads);
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                aligned_buffer buffer(work.block_size);
                ready.count_down();
                go.wait();
                std::uint64_t sum = 0;
                try {
                    for (;;) {
                        std::uint64_t i = next.fetch_add(1, std::memory_order_relaxed);
                        if (i >= work.operations) break;
                        auto t0 = clock_type::now();
                        sum += do_operation(work, data.fd, i, buffer.span());
                        result.latency_ns[i] = elapsed_ns(t0, clock_type::now());
                    }
                } catch (...) {
                    errors[t] = std::current_exception();
                    next.store(work.operations);  // the others stop too
                }
                checksum.fetch_add(sum, std::memory_order_relaxed);
            });
        }
        ready.arrive_and_wait();  // threads exist and have buffers: start the clock
        auto start = clock_type::now();
        go.count_down();
        workers.clear();  // joins
        if (work.writes() && ::fdatasync(data.fd) != 0) fail_errno(errno, "fdatasync");
        result.seconds = seconds_between(start, clock_type::now());
    }
    for (auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
    result.checksum = checksum.load();
    result.operations = work.operations;
    result.bytes = work.operations * work.block_size;
    return result;
}

}  // namespace ubench
