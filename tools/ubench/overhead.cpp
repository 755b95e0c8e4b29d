// `ubench overhead`: what the proactor itself costs, measured against raw liburing doing the
// same work in the same process on a ring with the same setup flags.
//
//   nop   raw liburing: prepare 32 NOPs, io_uring_submit_and_wait(32), reap the batch, loop
//   nop   uio: 32 tasks, each awaiting uio::nop() in a loop (one request in flight per task)
//   read  raw liburing: 4 KiB reads of a page-cached 256 MiB file, 32 in flight, random
//         4 KiB-aligned offsets; each completion's slot is refilled at once
//   read  uio: 32 tasks, each awaiting uio::read() in a loop over the same offset sequence
//
// Each case runs a fixed number of operations, --repeat times (the cases interleave, so drift
// hits them alike); the table shows the median rate and the min–max range, and uio/raw.
//
//   ubench overhead [--nops N] [--reads N] [--repeat R] [--json[=FILE]]
#include "overhead.hpp"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "report.hpp"
#include "uio/core/task.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/operations.hpp"

namespace ubench {

namespace {

constexpr unsigned ring_entries = 256;
constexpr unsigned concurrency = 32;  // raw batch size, raw queue depth, uio task count
constexpr std::size_t block_size = 4096;
constexpr std::uint64_t file_size = 256ULL << 20;
constexpr std::uint64_t file_blocks = file_size / block_size;
constexpr std::uint64_t offset_seed = 0x9E3779B97F4A7C15ULL;

using clock_type = std::chrono::steady_clock;

[[noreturn]] void fail_errno(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

// A xorshift64 offset sequence both read cases consume, from the same seed every run.
struct offset_sequence {
    std::uint64_t state = offset_seed;
    std::uint64_t next() noexcept {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
    std::uint64_t next_offset() noexcept { return (next() % file_blocks) * block_size; }
};

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// ---- raw liburing ---------------------------------------------------------------------------

class raw_ring {
  public:
    explicit raw_ring(unsigned flags) {
        io_uring_params params{};
        params.flags = flags;
        int rc = io_uring_queue_init_params(ring_entries, &ring_, &params);
        if (rc < 0) fail_errno(-rc, "io_uring_queue_init_params for the raw ring");
    }
    ~raw_ring() { io_uring_queue_exit(&ring_); }
    raw_ring(const raw_ring&) = delete;
    raw_ring& operator=(const raw_ring&) = delete;
    io_uring* get() noexcept { return &ring_; }

  private:
    io_uring ring_{};
};

io_uring_sqe* get_sqe(io_uring* ring) {
    io_uring_sqe* sqe = io_uring_get_sqe(ring);
    if (sqe == nullptr) throw std::runtime_error("raw ring: submission queue full");
    return sqe;
}

void check_enter(int rc, const char* what) {
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) fail_errno(-rc, what);
}

double raw_nops(io_uring* ring, std::uint64_t total) {
    io_uring_cqe* cqes[concurrency];
    auto start = clock_type::now();
    std::uint64_t done = 0;
    while (done < total) {
        auto batch = static_cast<unsigned>(std::min<std::uint64_t>(concurrency, total - done));
        for (unsigned i = 0; i < batch; ++i) {
            io_uring_sqe* sqe = get_sqe(ring);
            io_uring_prep_nop(sqe);
            io_uring_sqe_set_data64(sqe, i);
        }
        check_enter(io_uring_submit_and_wait(ring, batch), "raw nop: io_uring_submit_and_wait");
        unsigned reaped = 0;
        while (reaped < batch) {
            unsigned n = io_uring_peek_batch_cqe(ring, cqes, concurrency);
            if (n == 0) {  // interrupted wait: block for the rest
                io_uring_cqe* cqe = nullptr;
                check_enter(io_uring_wait_cqe(ring, &cqe), "raw nop: io_uring_wait_cqe");
                continue;
            }
            for (unsigned i = 0; i < n; ++i) {
                if (cqes[i]->res < 0) fail_errno(-cqes[i]->res, "raw nop");
            }
            io_uring_cq_advance(ring, n);
            reaped += n;
        }
        done += batch;
    }
    return seconds_since(start);
}

double raw_reads(io_uring* ring, int fd, std::uint64_t total) {
    std::vector<std::vector<std::byte>> buffers(concurrency, std::vector<std::byte>(block_size));
    io_uring_cqe* cqes[concurrency];
    offset_sequence offsets;
    auto start = clock_type::now();
    auto issue = [&](unsigned slot) {
        io_uring_sqe* sqe = get_sqe(ring);
        io_uring_prep_read(sqe, fd, buffers[slot].data(), static_cast<unsigned>(block_size),
                           offsets.next_offset());
        io_uring_sqe_set_data64(sqe, slot);
    };
    std::uint64_t issued = 0;
    std::uint64_t completed = 0;
    for (unsigned slot = 0; slot < concurrency && issued < total; ++slot, ++issued) issue(slot);
    while (completed < total) {
        check_enter(io_uring_submit_and_wait(ring, 1), "raw read: io_uring_submit_and_wait");
        unsigned n = io_uring_peek_batch_cqe(ring, cqes, concurrency);
        for (unsigned i = 0; i < n; ++i) {
            if (cqes[i]->res != static_cast<int>(block_size)) {
                if (cqes[i]->res < 0) fail_errno(-cqes[i]->res, "raw read");
                throw std::runtime_error("raw read: short read of " + std::to_string(cqes[i]->res) +
                                         " bytes");
            }
            ++completed;
            if (issued < total) {
                issue(static_cast<unsigned>(cqes[i]->user_data));
                ++issued;
            }
        }
        io_uring_cq_advance(ring, n);
    }
    return seconds_since(start);
}

// ---- uio ------------------------------------------------------------------------------------

uio::task<void> nop_worker(std::uint64_t count) {
    for (std::uint64_t i = 0; i < count; ++i) {
        int rc = co_await uio::nop();
        if (rc < 0) fail_errno(-rc, "uio nop");
    }
}

uio::task<void> read_worker(int fd, std::uint64_t count, offset_sequence& offsets) {
    std::vector<std::byte> buffer(block_size);
    for (std::uint64_t i = 0; i < count; ++i) {
        int n = co_await uio::read(fd, std::span(buffer), offsets.next_offset());
        if (n != static_cast<int>(block_size)) {
            if (n < 0) fail_errno(-n, "uio read");
            throw std::runtime_error("uio read: short read of " + std::to_string(n) + " bytes");
        }
    }
}

// Splits `total` over the tasks so that they add up exactly.
std::uint64_t share(std::uint64_t total, unsigned index) {
    return total / concurrency + (index < total % concurrency ? 1 : 0);
}

struct uio_sample {
    double seconds;
    std::uint64_t enter_calls;
};

uio_sample uio_nops(uio::io_context& context, std::uint64_t total) {
    std::uint64_t enters_before = context.stats().enter_calls;
    auto start = clock_type::now();
    std::vector<uio::task<void>> tasks;
    tasks.reserve(concurrency);
    for (unsigned i = 0; i < concurrency; ++i) tasks.push_back(nop_worker(share(total, i)));
    context.run(uio::when_all(std::move(tasks)));
    return {seconds_since(start), context.stats().enter_calls - enters_before};
}

uio_sample uio_reads(uio::io_context& context, int fd, std::uint64_t total) {
    std::uint64_t enters_before = context.stats().enter_calls;
    offset_sequence offsets;
    auto start = clock_type::now();
    std::vector<uio::task<void>> tasks;
    tasks.reserve(concurrency);
    for (unsigned i = 0; i < concurrency; ++i) {
        tasks.push_back(read_worker(fd, share(total, i), offsets));
    }
    context.run(uio::when_all(std::move(tasks)));
    return {seconds_since(start), context.stats().enter_calls - enters_before};
}

// ---- the data file --------------------------------------------------------------------------

// A 256 MiB file of non-zero bytes, written, synced and read once so that it sits in the page
// cache. It is unlinked as soon as it is open: it disappears when the process exits, however
// it exits.
class data_file {
  public:
    data_file() {
        const char* dir = std::getenv("TMPDIR");
        if (dir == nullptr || *dir == '\0') dir = "/var/tmp";
        path_ = std::string(dir) + "/ubench-overhead-XXXXXX";
        fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
        if (fd_ < 0) fail_errno(errno, "create a temporary file in " + std::string(dir));
        ::unlink(path_.c_str());

        std::vector<std::byte> chunk(1 << 20);
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            chunk[i] = static_cast<std::byte>((i * 131 + 7) % 255 + 1);
        }
        for (std::uint64_t done = 0; done < file_size;) {
            ssize_t n = ::pwrite(fd_, chunk.data(), chunk.size(), static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail_errno(n < 0 ? errno : EIO, "write " + path_);
            done += static_cast<std::uint64_t>(n);
        }
        if (::fdatasync(fd_) != 0) fail_errno(errno, "fdatasync " + path_);
        for (std::uint64_t done = 0; done < file_size;) {  // bring every page in
            ssize_t n = ::pread(fd_, chunk.data(), chunk.size(), static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail_errno(n < 0 ? errno : EIO, "read " + path_);
            done += static_cast<std::uint64_t>(n);
        }
    }
    ~data_file() { ::close(fd_); }
    data_file(const data_file&) = delete;
    data_file& operator=(const data_file&) = delete;

    int fd() const noexcept { return fd_; }
    const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
};

// ---- results --------------------------------------------------------------------------------

struct series {
    const char* kind;   // "nop" or "read"
    const char* impl;   // "raw" or "uio"
    const char* label;  // for the table
    std::uint64_t operations = 0;
    std::vector<double> rates;      // operations per second, one per repeat
    std::uint64_t enter_calls = 0;  // uio only: io_uring_enter calls over all repeats

    void add(double seconds) { rates.push_back(static_cast<double>(operations) / seconds); }
    double median() const {
        std::vector<double> sorted = rates;
        std::sort(sorted.begin(), sorted.end());
        std::size_t n = sorted.size();
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
    double min() const { return *std::min_element(rates.begin(), rates.end()); }
    double max() const { return *std::max_element(rates.begin(), rates.end()); }
    double operations_per_enter() const {
        return enter_calls == 0
                   ? 0
                   : static_cast<double>(operations) * static_cast<double>(rates.size()) /
                         static_cast<double>(enter_calls);
    }
};

std::string format_rate(double rate) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f M/s", rate / 1e6);
    return text;
}

std::string format_range(double low, double high) {
    char text[48];
    std::snprintf(text, sizeof text, "[%.2f–%.2f]", low / 1e6, high / 1e6);
    return text;
}

std::string kernel_release() {
    utsname u{};
    if (::uname(&u) != 0) return "unknown";
    return u.release;
}

}  // namespace

int run_overhead(const overhead_options& opt) {
    uio::io_context context;
    const unsigned flags = context.setup_flags();
    raw_ring raw(flags);

    std::vector<series> all;
    series* raw_nop = nullptr;
    series* uio_nop = nullptr;
    series* raw_read = nullptr;
    series* uio_read = nullptr;
    all.reserve(4);
    if (opt.nops > 0) {
        all.push_back({"nop", "raw", "raw liburing (batch 32)", opt.nops, {}, 0});
        raw_nop = &all.back();
        all.push_back({"nop", "uio", "uio (32 tasks)", opt.nops, {}, 0});
        uio_nop = &all.back();
    }
    std::unique_ptr<data_file> file;
    if (opt.reads > 0) {
        file = std::make_unique<data_file>();
        all.push_back({"read", "raw", "raw liburing (qd 32)", opt.reads, {}, 0});
        raw_read = &all.back();
        all.push_back({"read", "uio", "uio (32 tasks)", opt.reads, {}, 0});
        uio_read = &all.back();
    }

    // Warm-up: fault in code, buffers and task frames; not measured.
    if (opt.nops > 0) {
        std::uint64_t n = std::min<std::uint64_t>(opt.nops, 100'000);
        raw_nops(raw.get(), n);
        uio_nops(context, n);
    }
    if (opt.reads > 0) {
        std::uint64_t n = std::min<std::uint64_t>(opt.reads, 50'000);
        raw_reads(raw.get(), file->fd(), n);
        uio_reads(context, file->fd(), n);
    }

    for (unsigned r = 0; r < opt.repeat; ++r) {
        if (opt.nops > 0) {
            raw_nop->add(raw_nops(raw.get(), opt.nops));
            uio_sample s = uio_nops(context, opt.nops);
            uio_nop->add(s.seconds);
            uio_nop->enter_calls += s.enter_calls;
        }
        if (opt.reads > 0) {
            raw_read->add(raw_reads(raw.get(), file->fd(), opt.reads));
            uio_sample s = uio_reads(context, file->fd(), opt.reads);
            uio_read->add(s.seconds);
            uio_read->enter_calls += s.enter_calls;
        }
    }

    auto ratio = [](const series* u, const series* r) {
        return u && r ? u->median() / r->median() : 0.0;
    };
    const double nop_ratio = ratio(uio_nop, raw_nop);
    const double read_ratio = ratio(uio_read, raw_read);
    const std::string kernel = kernel_release();

    auto write_json = [&](std::FILE* out) {
        std::fprintf(out, "{\n");
        std::fprintf(out, "  \"kernel\": %s,\n", json_string(kernel).c_str());
        std::fprintf(out, "  \"setup\": %s,\n", json_string(context.setup_description()).c_str());
        std::fprintf(out, "  \"setup_flags\": %u,\n", flags);
        std::fprintf(out, "  \"ring_entries\": %u,\n", ring_entries);
        std::fprintf(out, "  \"concurrency\": %u,\n", concurrency);
        std::fprintf(out, "  \"nops\": %llu,\n", static_cast<unsigned long long>(opt.nops));
        std::fprintf(out, "  \"reads\": %llu,\n", static_cast<unsigned long long>(opt.reads));
        std::fprintf(out, "  \"repeat\": %u,\n", opt.repeat);
        if (file) std::fprintf(out, "  \"file\": %s,\n", json_string(file->path()).c_str());
        std::fprintf(out, "  \"cases\": [");
        for (std::size_t i = 0; i < all.size(); ++i) {
            const series& s = all[i];
            std::fprintf(out, "%s\n    {\"kind\": \"%s\", \"impl\": \"%s\", \"label\": %s, ",
                         i ? "," : "", s.kind, s.impl, json_string(s.label).c_str());
            std::fprintf(out, "\"operations\": %llu, \"median_ops_per_s\": %.0f, ",
                         static_cast<unsigned long long>(s.operations), s.median());
            std::fprintf(out, "\"min_ops_per_s\": %.0f, \"max_ops_per_s\": %.0f, \"samples\": [",
                         s.min(), s.max());
            for (std::size_t k = 0; k < s.rates.size(); ++k) {
                std::fprintf(out, "%s%.0f", k ? ", " : "", s.rates[k]);
            }
            std::fprintf(out, "]");
            if (s.enter_calls)
                std::fprintf(out, ", \"ops_per_enter\": %.2f", s.operations_per_enter());
            std::fprintf(out, "}");
        }
        std::fprintf(out, "\n  ],\n  \"ratios\": {");
        bool first = true;
        if (uio_nop) {
            std::fprintf(out, "\"nop\": %.3f", nop_ratio);
            first = false;
        }
        if (uio_read) std::fprintf(out, "%s\"read\": %.3f", first ? "" : ", ", read_ratio);
        std::fprintf(out, "}\n}\n");
    };

    std::FILE* out = people(opt.json_path);
    std::fprintf(out,
                 "ubench overhead: kernel %s, ring %u entries, setup %s (flags 0x%x) for both\n",
                 kernel.c_str(), ring_entries, context.setup_description().c_str(), flags);
    std::fprintf(out,
                 "%llu NOPs, %llu reads of 4 KiB (256 MiB page-cached file), %u repeats, median "
                 "[min–max] in M/s\n\n",
                 static_cast<unsigned long long>(opt.nops),
                 static_cast<unsigned long long>(opt.reads), opt.repeat);
    for (const series& s : all) {
        std::fprintf(out, "%-6s %-26s %12s  %-15s", s.kind, s.label,
                     format_rate(s.median()).c_str(), format_range(s.min(), s.max()).c_str());
        if (&s == uio_nop) std::fprintf(out, "  ratio %.2fx", nop_ratio);
        if (&s == uio_read) std::fprintf(out, "  ratio %.2fx", read_ratio);
        if (s.enter_calls) std::fprintf(out, "  (%.1f ops/enter)", s.operations_per_enter());
        std::fprintf(out, "\n");
    }
    if (!opt.json_path.empty()) write_output(opt.json_path, write_json);
    return 0;
}

}  // namespace ubench
