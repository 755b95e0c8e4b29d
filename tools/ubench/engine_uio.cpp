// The io_uring engines: queue_depth coroutines on one uio::io_context, each awaiting one
// request at a time, so queue_depth requests are in flight. The four variants differ in one
// thing each (plain, registered buffers, a registered file, SQPOLL) so a difference in the
// numbers has one cause.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "checksum.hpp"
#include "engines.hpp"
#include "io_helpers.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/buffer_pool.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/operations.hpp"
#include "uio/uring/registered_files.hpp"

namespace ubench {

namespace {

// Shared by the workers of one run; touched only on the loop thread.
struct run_state {
    const job& work;
    uio::io_target target;             // the data file: a descriptor or a registered slot
    uio::buffer_pool* pool;            // set for the registered-buffer engine
    std::vector<aligned_buffer>& own;  // one buffer per worker otherwise
    std::vector<std::uint32_t>& latency;
    std::uint64_t next = 0;
    std::uint64_t checksum = 0;
};

void check_transfer(int n, std::size_t expected, const char* what) {
    if (n < 0) fail_errno(-n, what);
    if (static_cast<std::size_t>(n) != expected) {
        // Regular files transfer short only at end of file, which a job never reaches.
        throw std::runtime_error(std::string(what) + ": short transfer of " + std::to_string(n) +
                                 " bytes");
    }
}

uio::task<void> worker(run_state& s, unsigned slot) {
    uio::registered_buffer registered;
    std::span<std::byte> buffer;
    if (s.pool) {
        registered = co_await s.pool->acquire();
        buffer = registered.span().first(s.work.block_size);
    } else {
        buffer = s.own[slot].span();
    }
    const job& work = s.work;
    while (s.next < work.operations) {
        const std::uint64_t i = s.next++;
        const auto t0 = clock_type::now();
        switch (work.kind) {
            case workload_kind::random_read:
            case workload_kind::sequential_read: {
                const std::uint64_t offset = work.offset_of(i);
                int n = 0;  // (no co_await inside ?: — g++ 12 miscompiles some of those)
                if (s.pool) {
                    n = co_await uio::read_fixed(s.target, buffer, offset, registered.index());
                } else {
                    n = co_await uio::read(s.target, buffer, offset);
                }
                check_transfer(n, buffer.size(), "io_uring read");
                s.checksum += block_hash(buffer, offset);
                break;
            }
            case workload_kind::sequential_write: {
                const std::uint64_t offset = work.offset_of(i);
                std::memcpy(buffer.data(), work.image + offset, buffer.size());
                int n = 0;
                if (s.pool) {
                    n = co_await uio::write_fixed(s.target, buffer, offset, registered.index());
                } else {
                    n = co_await uio::write(s.target, buffer, offset);
                }
                check_transfer(n, buffer.size(), "io_uring write");
                break;
            }
            case workload_kind::small_files: {
                const std::string path = work.small_path(i);
                int fd = co_await uio::openat(AT_FDCWD, path.c_str(), small_file_flags(work));
                if (fd < 0) fail_errno(-fd, "io_uring openat '" + path + "'");
                int n = 0;
                if (s.pool) {
                    n = co_await uio::read_fixed(fd, buffer, 0, registered.index());
                } else {
                    n = co_await uio::read(fd, buffer, 0);
                }
                int closed = co_await uio::close(fd);
                check_transfer(n, buffer.size(), "io_uring read small file");
                if (closed < 0) fail_errno(-closed, "io_uring close");
                s.checksum += block_hash(buffer, hash_position(work, i));
                break;
            }
        }
        s.latency[i] = elapsed_ns(t0, clock_type::now());
    }
}

uio::task<void> run_all(run_state& s) {
    std::vector<uio::task<void>> workers;
    workers.reserve(s.work.queue_depth);
    for (unsigned w = 0; w < s.work.queue_depth; ++w) workers.push_back(worker(s, w));
    co_await uio::when_all(std::move(workers));
    if (s.work.writes()) {
        int rc = co_await uio::fdatasync(s.target);
        if (rc < 0) fail_errno(-rc, "io_uring fdatasync");
    }
}

}  // namespace

run_result run_uio(engine_kind engine, const job& work) {
    uio::io_context_options options;
    options.entries = 256;
    options.sqpoll = engine == engine_kind::uio_sqpoll;
    uio::io_context context(options);

    int fd = work.kind == workload_kind::small_files ? -1 : open_data_file(work);
    struct closer {
        int fd;
        ~closer() {
            if (fd >= 0) ::close(fd);
        }
    } close_fd{fd};

    std::optional<uio::buffer_pool> pool;
    if (engine == engine_kind::uio_fixed_bufs) {
        pool.emplace(context, work.queue_depth, work.block_size);
    }
    std::optional<uio::registered_files> files;
    uio::io_target target(fd);
    if (engine == engine_kind::uio_fixed_files && fd >= 0) {
        files.emplace(context, 1);
        target = uio::io_target::registered(files->add(fd));
    }
    std::vector<aligned_buffer> own;
    if (!pool) {
        own.reserve(work.queue_depth);
        for (unsigned w = 0; w < work.queue_depth; ++w) own.emplace_back(work.block_size);
    }

    run_result result;
    result.latency_ns.resize(work.operations);
    run_state state{work, target, pool ? &*pool : nullptr, own, result.latency_ns};
    const auto start = clock_type::now();
    context.run(run_all(state));
    result.seconds = seconds_between(start, clock_type::now());
    result.checksum = state.checksum;
    result.operations = work.operations;
    result.bytes = work.operations * work.block_size;
    return result;
}

}  // namespace ubench
