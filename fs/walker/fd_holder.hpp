// fd_holder: a plain descriptor closed on scope exit, for the synchronous walks over
// directory fds (shard planning and finishing, --check). One type for all of them.
#pragma once

#include <unistd.h>

namespace uio::fs {

struct fd_holder {
    int fd = -1;
    ~fd_holder() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace uio::fs
