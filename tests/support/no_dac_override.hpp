// no_dac_override: tests run as root, and root reads a mode-000 file. For the scope, the
// calling thread loses CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its effective set, so
// mode 000 means no to it as to anyone. Credentials are per thread: threads and io_uring
// work started meanwhile take the reduced set, threads already running keep theirs. Does
// nothing for a user who is not root (mode 000 already means no).
#pragma once

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace uio::testing {

class no_dac_override {
  public:
    no_dac_override() {
        if (::geteuid() != 0) return;
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        REQUIRE(::syscall(SYS_capget, &header, saved_) == 0);
        __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
        reduced[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
        REQUIRE(::syscall(SYS_capset, &header, reduced) == 0);
        dropped_ = true;
    }
    ~no_dac_override() {
        if (!dropped_) return;
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        ::syscall(SYS_capset, &header, saved_);
    }
    no_dac_override(const no_dac_override&) = delete;
    no_dac_override& operator=(const no_dac_override&) = delete;

  private:
    __user_cap_data_struct saved_[2]{};
    bool dropped_ = false;
};

}  // namespace uio::testing
