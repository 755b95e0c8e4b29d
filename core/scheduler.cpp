#include "uio/core/scheduler.hpp"

namespace uio {

namespace {
thread_local scheduler* current_scheduler = nullptr;
}

scheduler* scheduler::current() noexcept {
    return current_scheduler;
}

scheduler* scheduler::make_current(scheduler* s) noexcept {
    scheduler* previous = current_scheduler;
    current_scheduler = s;
    return previous;
}

}  // namespace uio
