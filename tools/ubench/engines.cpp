// Engine names and dispatch, kept apart from the engines so each engine file holds one way of
// doing I/O.
#include "engines.hpp"

#include "io_helpers.hpp"

namespace ubench {

std::string_view name(engine_kind engine) noexcept {
    switch (engine) {
        case engine_kind::blocking:
            return "blocking";
        case engine_kind::thread_pool:
            return "threadpool";
        case engine_kind::uio:
            return "uio";
        case engine_kind::uio_fixed_bufs:
            return "uio-fixedbufs";
        case engine_kind::uio_fixed_files:
            return "uio-fixedfiles";
        case engine_kind::uio_sqpoll:
            return "uio-sqpoll";
    }
    return "?";
}

bool uses_uring(engine_kind engine) noexcept {
    return engine != engine_kind::blocking && engine != engine_kind::thread_pool;
}

bool applies(engine_kind engine, workload_kind kind) noexcept {
    return !(engine == engine_kind::uio_fixed_files && kind == workload_kind::small_files);
}

run_result run_engine(engine_kind engine, const job& work) {
    run_result result;
    switch (engine) {
        case engine_kind::blocking:
            result = run_blocking(work);
            break;
        case engine_kind::thread_pool:
            result = run_thread_pool(work);
            break;
        default:
            result = run_uio(engine, work);
            break;
    }
    // A writer is judged by what reached the file, read back outside the timed part.
    if (work.writes()) result.checksum = readback_checksum(work);
    return result;
}

}  // namespace ubench
