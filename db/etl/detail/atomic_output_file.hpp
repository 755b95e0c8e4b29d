// atomic_output_file: an export's file, written under a hidden temporary name in the
// destination's directory (".ucopy-<pid>-<n>.tmp", tools/common/temp_name.hpp: the scheme
// ucopy's stale-temporary cleanup knows; mode 0600 while incomplete) and renamed over
// the final name only by commit(). A failed or abandoned export leaves nothing under the
// final name; the destructor removes the temporary file. `durable`: fsync before the
// rename, so that a power loss cannot leave a short file under the final name either
// (ucopy's --fsync, as for tree copies; off by default, like cp and psql).
//
// Writes go through the ring in order (write_all at a running offset). Loop thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "uio/core/task.hpp"
#include "uio/uring/file.hpp"

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
    const std::string& temp_path() const noexcept { return temp_path_; }

  private:
    atomic_output_file(file f, std::string temp_path, std::string final_path, bool durable) noexcept
        : file_(std::move(f)),
          temp_path_(std::move(temp_path)),
          final_path_(std::move(final_path)),
          durable_(durable) {}

    file file_;
    std::string temp_path_;
    std::string final_path_;
    std::uint64_t offset_ = 0;
    bool durable_ = false;
    bool committed_ = false;
};

}  // namespace uio::etl
