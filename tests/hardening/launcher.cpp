// harden-launch: runs a program in a hostile environment, for the hardening tests.
//   harden-launch [--deny-io-uring ERRNO] [--nofile N] -- PROGRAM ARGS...
// --deny-io-uring installs a seccomp filter that fails io_uring_setup with ERRNO (as a
// kernel without io_uring or a container sandbox would); --nofile sets RLIMIT_NOFILE (soft and
// hard) to N. Then it execs PROGRAM, so the limits hold for it and nothing else.
// Exit 77 if the filter cannot be installed (no seccomp here), 127 if the exec fails.
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "deny_io_uring.hpp"

using uio::testing::deny_io_uring_setup;

int main(int argc, char** argv) {
    int i = 1;
    for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
        if (std::strcmp(argv[i], "--deny-io-uring") == 0 && i + 1 < argc) {
            char* end = nullptr;
            const long error = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || error <= 0 || error > 4095) {
                std::fprintf(stderr, "harden-launch: --deny-io-uring takes an errno number\n");
                return 2;
            }
            if (!deny_io_uring_setup(static_cast<int>(error))) {
                std::fprintf(stderr, "harden-launch: cannot install a seccomp filter: %s\n",
                             std::strerror(errno));
                return 77;
            }
        } else if (std::strcmp(argv[i], "--nofile") == 0 && i + 1 < argc) {
            rlim_t n = std::strtoul(argv[++i], nullptr, 10);
            rlimit limit{n, n};
            if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
                std::perror("harden-launch: setrlimit");
                return 1;
            }
        } else {
            std::fprintf(stderr, "harden-launch: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (i + 1 >= argc) {
        std::fprintf(
            stderr,
            "usage: harden-launch [--deny-io-uring ERRNO] [--nofile N] -- PROGRAM ARGS...\n");
        return 2;
    }
    ::execv(argv[i + 1], argv + i + 1);
    std::fprintf(stderr, "harden-launch: cannot run %s: %s\n", argv[i + 1], std::strerror(errno));
    return 127;
}
