// permit<Owner, Release>: one of a limited number of places taken from `Owner` (a semaphore's
// permit, a pg::pool's slot), given back by calling (owner->*Release)() when the permit is
// reset, reassigned or destroyed. Move-only; an empty permit gives nothing back. Loop thread
// only, as its owner is.
#pragma once

#include <utility>

namespace uio::detail {

template <class Owner, void (Owner::*Release)() noexcept>
class [[nodiscard]] permit {
  public:
    permit() noexcept = default;
    explicit permit(Owner* owner) noexcept : owner_(owner) {}
    permit(permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    permit& operator=(permit&& other) noexcept {
        if (this != &other) {
            reset();
            owner_ = std::exchange(other.owner_, nullptr);
        }
        return *this;
    }
    ~permit() { reset(); }
    void reset() noexcept {
        if (owner_) (std::exchange(owner_, nullptr)->*Release)();
    }
    explicit operator bool() const noexcept { return owner_ != nullptr; }
    // Keeps the place taken without giving it back: the holder will give it back itself.
    void release_ownership() noexcept { owner_ = nullptr; }

  private:
    Owner* owner_ = nullptr;
};

}  // namespace uio::detail
