// registered_files: the ring's table of registered file descriptors. A registered file
// skips the per-request fd lookup and reference counting; target it with
// io_target::registered(index). One table per io_context, used on its thread.
//
//   uio::registered_files table(context, 64);
//   unsigned slot = table.add(fd);
//   co_await uio::read(uio::io_target::registered(slot), buffer, 0);
#pragma once

#include <vector>

namespace uio {

class io_context;

class registered_files {
  public:
    registered_files(io_context& context, unsigned capacity);
    ~registered_files();
    registered_files(const registered_files&) = delete;
    registered_files& operator=(const registered_files&) = delete;

    // Registers `fd` (the caller still owns and closes it); returns its slot.
    unsigned add(int fd);
    // Frees the slot; requests already submitted against it keep their reference.
    void remove(unsigned slot);
    unsigned free_slots() const noexcept { return static_cast<unsigned>(free_.size()); }

  private:
    io_context& context_;
    std::vector<unsigned> free_;
};

}  // namespace uio
