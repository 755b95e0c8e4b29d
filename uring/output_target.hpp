// output_target: where writing to a destination path lands, decided as cp decides it.
//   - a regular file, or a name not yet taken: replaced. The writer puts a temporary beside
//     it and renames that over it, so nobody sees a half-written file.
//   - a symlink: followed. The file it leads to is replaced (the temporary goes beside that
//     file, in its directory) and the link stays a link; a dangling one is refused, as cp
//     refuses it ("not writing through dangling symlink").
//   - a character device, FIFO or socket (/dev/null, a named pipe): opened and written in
//     place, never replaced (replacing /dev/null or a pipe someone reads is never meant).
//   - a descriptor's name (/dev/stdout, /dev/fd/N, /proc/self/fd/N, or a symlink to one):
//     that descriptor, duplicated, so its offset and O_APPEND hold as in a shell redirection
//     (reopening /proc/self/fd/1 would start a redirected file over at offset 0).
// Synchronous (lstat and readlink, a few per destination): called once per exported file.
#pragma once

#include <string>

namespace uio {

struct output_target {
    enum class kind {
        replace,         // `path` is the regular file to replace (it may not exist yet)
        write_in_place,  // `path` is a device, FIFO or socket to open for writing
        descriptor,      // `fd` is this process's descriptor to duplicate (not owned)
    };
    kind how = kind::replace;
    std::string path;
    int fd = -1;
};

// Throws std::system_error naming `path` as the user gave it ("cannot write 'x': Is a
// directory", "...: Too many levels of symbolic links").
output_target resolve_output(const std::string& path);

// A new descriptor (close-on-exec) for writing to a write_in_place or descriptor target, or
// -errno. Blocking: a FIFO's open waits for its reader, as cp's does, so call it through
// uio::offload (io_uring's openat tries a FIFO without waiting first: ENXIO, no reader).
int open_output_stream(const output_target& target);

// The descriptor a name like /dev/fd/1, /dev/stdout's target /proc/self/fd/1 or
// /proc/<this pid>/fd/1 stands for; -1 for any other name.
int descriptor_named(const std::string& path);

}  // namespace uio
