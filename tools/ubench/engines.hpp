// The engines: the same job done by uio on io_uring (four ways), by blocking pread/pwrite on
// one thread, and by a pool of threads doing blocking calls. Each returns what it did and the
// checksum of what it read (or, for writes, of what is in the file afterwards).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "workload.hpp"

namespace ubench {

enum class engine_kind {
    blocking,         // pread/pwrite on the calling thread, one request at a time
    thread_pool,      // queue_depth threads, each doing blocking calls
    uio,              // uio::read / uio::write on io_uring
    uio_fixed_bufs,   // read_fixed / write_fixed into a registered buffer_pool
    uio_fixed_files,  // requests against a registered file slot
    uio_sqpoll,       // a kernel thread polls the submission queue
};

inline constexpr engine_kind all_engines[] = {
    engine_kind::blocking,       engine_kind::thread_pool,     engine_kind::uio,
    engine_kind::uio_fixed_bufs, engine_kind::uio_fixed_files, engine_kind::uio_sqpoll,
};

std::string_view name(engine_kind engine) noexcept;
bool uses_uring(engine_kind engine) noexcept;
// Whether the engine has anything of its own to show for this workload (registered files
// cannot help files that are opened once per operation).
bool applies(engine_kind engine, workload_kind kind) noexcept;

struct run_result {
    double seconds = 0;  // wall time of the operations (and the final fdatasync for writes)
    std::uint64_t operations = 0;
    std::uint64_t bytes = 0;
    std::uint64_t checksum = 0;
    std::vector<std::uint32_t> latency_ns;  // one per operation, in completion order
};

run_result run_engine(engine_kind engine, const job& work);

// Implementations, one per file.
run_result run_blocking(const job& work);
run_result run_thread_pool(const job& work);
run_result run_uio(engine_kind engine, const job& work);

}  // namespace ubench
