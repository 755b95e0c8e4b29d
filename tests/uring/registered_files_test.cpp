// registered_files: requests can target a registered slot instead of a descriptor.
#include "uio/uring/registered_files.hpp"

#include <fstream>

#include "test_support.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;

TEST_CASE("a read through a registered file slot returns the file's bytes") {
    uio::testing::temp_dir dir;
    std::string path = dir / "r";
    std::ofstream(path) << "registered";
    uio::io_context context;
    uio::registered_files table(context, 8);
    context.run([&]() -> task<void> {
        uio::file f = co_await uio::file::open(path, O_RDONLY);
        unsigned slot = table.add(f.fd());
        CHECK(table.free_slots() == 7);
        char buffer[16] = {};
        int n = co_await uio::read(uio::io_target::registered(slot),
                                   std::as_writable_bytes(std::span(buffer)), 0);
        CHECK(n == 10);
        CHECK(std::string(buffer, 10) == "registered");
        table.remove(slot);
        CHECK(table.free_slots() == 8);
    }());
}
