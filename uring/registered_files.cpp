#include "uio/uring/registered_files.hpp"

#include <system_error>

#include "uio/uring/io_context.hpp"

namespace uio {

registered_files::registered_files(io_context& context, unsigned capacity) : context_(context) {
    int rc = io_uring_register_files_sparse(&context_.ring(), capacity);
    if (rc < 0)
        throw std::system_error(-rc, std::generic_category(), "io_uring_register_files_sparse");
    for (unsigned i = capacity; i > 0; --i) free_.push_back(i - 1);
}

registered_files::~registered_files() {
    io_uring_unregister_files(&context_.ring());
}

unsigned registered_files::add(int fd) {
    if (free_.empty()) {
        throw std::system_error(std::make_error_code(std::errc::too_many_files_open),
                                "registered_files: table full");
    }
    unsigned slot = free_.back();
    int rc = io_uring_register_files_update(&context_.ring(), slot, &fd, 1);
    if (rc < 0)
        throw std::system_error(-rc, std::generic_category(), "io_uring_register_files_update");
    free_.pop_back();
    return slot;
}

void registered_files::remove(unsigned slot) {
    int none = -1;
    int rc = io_uring_register_files_update(&context_.ring(), slot, &none, 1);
    if (rc < 0)
        throw std::system_error(-rc, std::generic_category(), "io_uring_register_files_update");
    free_.push_back(slot);
}

}  // namespace uio
