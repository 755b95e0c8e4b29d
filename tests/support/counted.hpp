// counted: counts live instances, so a test can assert that nothing leaked or was copied.
#pragma once

namespace uio::testing {

struct counted {
    static inline int alive = 0;
    static inline int copies = 0;
    counted() { ++alive; }
    counted(const counted&) { ++alive, ++copies; }
    counted(counted&&) noexcept { ++alive; }
    ~counted() { --alive; }
    static void reset() { alive = copies = 0; }
};

}  // namespace uio::testing
