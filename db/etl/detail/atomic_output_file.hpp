// atomic_output_file: an export's file. The destination is taken as cp takes it
// (uring/output_target.hpp): a regular file, or a new name, is written under a hidden
// temporary name in its directory (".ucopy-<pid>-<n>.tmp", uring/temp_name.hpp: the scheme
// ucopy's stale-temporary sweep knows; mode 0600 while incomplete) and renamed over it only
// by commit(); a symlink is followed and the file it leads to replaced so, the link staying;
// a device, FIFO or socket (/dev/null, a named pipe) is written in place; "-", /dev/stdout
// and /dev/fd/N write to that descriptor. A failed or abandoned export leaves nothing under
// a replaced file's name (the destructor removes the temporary); what went into a stream
// has gone. `durable`: fsync before the rename, so that a power loss cannot leave a short
// file under the final name either (ucopy's --fsync, as for tree copies; off by default,
// like cp and psql).
//
// Messages name the destination as the user gave it, never the temporary ("cannot write
// 'ro/out.csv': Permission denied", "write 'small/out.csv': No space left on device").
// Before writing a temporary, the temporaries a killed run left in that directory are
// removed (temp_name.hpp); while it is written, SIGTERM or SIGINT removes it before the
// process dies, in a program that asked for that (signal_cleanup.hpp: ucopy-tables does).
//
// Writes go through the ring in order (write_all at a running offset; at the stream's own
// position for a stream). Loop thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "uio/core/task.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/signal_cleanup.hpp"

namespace uio::etl {

class atomic_output_file {
  public:
    static task<atomic_output_file> create(std::string final_path, bool durable);

    atomic_output_file(atomic_output_file&& other) noexcept;
    atomic_output_file& operator=(atomic_output_file&&) = delete;
    ~atomic_output_file();

    task<void> write(std::span<const std::byte> bytes);
    task<void> write(const std::string& text) { return write(std::as_bytes(std::span(text))); }
    // fsync if durable, give it the usual permissions, rename over the final name.
    task<void> commit();

    std::uint64_t size() const noexcept { return offset_; }
    // Empty when the destination is a stream (written in place, nothing to rename).
    const std::string& temp_path() const noexcept { return temp_path_; }

  private:
    atomic_output_file(file f, std::string temp_path, std::string final_path, bool durable,
                       registered_temporary registration) noexcept
        : file_(std::move(f)),
          temp_path_(std::move(temp_path)),
          final_path_(std::move(final_path)),
          durable_(durable),
          registration_(std::move(registration)) {}
    static task<atomic_output_file> create_temporary(std::string shown_path, std::string target,
                                                     bool durable);
    task<void> write_stream(std::span<const std::byte> bytes);
    task<void> commit_stream();

    file file_;  // its path is the destination as the user named it, for messages
    std::string temp_path_;
    std::string final_path_;  // what the rename replaces (a symlink's target)
    std::uint64_t offset_ = 0;
    bool durable_ = false;
    bool committed_ = false;
    registered_temporary registration_;  // of temp_path_, until it is renamed or removed
};

}  // namespace uio::etl
