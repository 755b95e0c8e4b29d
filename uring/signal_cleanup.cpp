#include "uio/uring/signal_cleanup.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <utility>

namespace uio {

namespace {

// Fixed storage: the handler may touch nothing that allocates or locks. A tree copy has one
// temporary per file in flight, up to ucopy's --queue-depth (at most 4096); an export has one
// per output. The flags sit apart from the paths, and a registration takes the lowest free
// slot, so the handler's scan and each search read a few cache lines and only as many path
// pages are ever touched as temporaries were alive at once (the rest stay untouched bss).
constexpr int slot_count = 4096;
std::atomic<bool> slot_taken[slot_count];  // owned by a registered_temporary
std::atomic<bool> slot_armed[slot_count];  // its path is complete: the handler may unlink it
char slot_path[slot_count][PATH_MAX];

extern "C" void remove_and_die(int signal_number) {
    for (int i = 0; i < slot_count; ++i) {
        if (slot_armed[i].load(std::memory_order_acquire)) ::unlink(slot_path[i]);  // signal-safe
    }
    // SA_RESETHAND restored the default action; the signal is blocked until this returns,
    // then ends the process as if it had never been caught.
    ::raise(signal_number);
}

}  // namespace

void remove_temporaries_on_signals() {
    for (int signal_number : {SIGTERM, SIGINT, SIGHUP}) {
        struct sigaction old {};
        if (::sigaction(signal_number, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        struct sigaction action {};
        action.sa_handler = remove_and_die;
        action.sa_flags = SA_RESETHAND;
        sigfillset(&action.sa_mask);
        ::sigaction(signal_number, &action, nullptr);
    }
}

registered_temporary::registered_temporary(const std::string& path) noexcept {
    if (path.empty() || path.size() >= PATH_MAX) return;
    for (int i = 0; i < slot_count; ++i) {
        bool expected = false;
        if (!slot_taken[i].load(std::memory_order_relaxed) &&
            slot_taken[i].compare_exchange_strong(expected, true, std::memory_order_acquire)) {
            std::memcpy(slot_path[i], path.c_str(), path.size() + 1);
            slot_armed[i].store(true, std::memory_order_release);
            slot_ = i;
            return;
        }
    }
}

registered_temporary::registered_temporary(registered_temporary&& other) noexcept
    : slot_(std::exchange(other.slot_, -1)) {}

registered_temporary& registered_temporary::operator=(registered_temporary&& other) noexcept {
    if (this != &other) {
        release();
        slot_ = std::exchange(other.slot_, -1);
    }
    return *this;
}

void registered_temporary::release() noexcept {
    if (slot_ < 0) return;
    slot_armed[slot_].store(false, std::memory_order_release);
    slot_taken[slot_].store(false, std::memory_order_release);
    slot_ = -1;
}

}  // namespace uio
