#include "uio/uring/signal_cleanup.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <utility>

namespace uio {

namespace {

// Fixed storage: the handler may touch nothing that allocates or locks.
struct temporary_slot {
    std::atomic<bool> taken{false};  // owned by a registered_temporary
    std::atomic<bool> armed{false};  // `path` is complete: the handler may unlink it
    char path[PATH_MAX];
};
// A tree copy has one temporary per file in flight, up to ucopy's --queue-depth (at most
// 4096); an export has one per output. Untouched slots cost address space only (bss).
constexpr int slot_count = 4096;
temporary_slot temporary_slots[slot_count];
// Where the next search for a free slot starts: just past the last one taken, so that
// registering stays a few loads when many temporaries are alive.
std::atomic<int> next_slot{0};

extern "C" void remove_and_die(int signal_number) {
    for (temporary_slot& s : temporary_slots) {
        if (s.armed.load(std::memory_order_acquire)) ::unlink(s.path);  // async-signal-safe
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
    const int start = next_slot.load(std::memory_order_relaxed);
    for (int k = 0; k < slot_count; ++k) {
        const int i = (start + k) % slot_count;
        bool expected = false;
        if (!temporary_slots[i].taken.load(std::memory_order_relaxed) &&
            temporary_slots[i].taken.compare_exchange_strong(expected, true,
                                                             std::memory_order_acquire)) {
            next_slot.store((i + 1) % slot_count, std::memory_order_relaxed);
            std::memcpy(temporary_slots[i].path, path.c_str(), path.size() + 1);
            temporary_slots[i].armed.store(true, std::memory_order_release);
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
    temporary_slots[slot_].armed.store(false, std::memory_order_release);
    temporary_slots[slot_].taken.store(false, std::memory_order_release);
    slot_ = -1;
}

}  // namespace uio
