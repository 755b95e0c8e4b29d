// Reads a file through the installed uio, as an embedding ETL job would.
#include <uio/uring/file.hpp>
#include <uio/uring/io_context.hpp>

#include <cstdio>
#include <fstream>

int main() {
    const char* path = "consumer-input.txt";
    std::ofstream(path) << "hello";
    std::size_t n = uio::run([&]() -> uio::task<std::size_t> {
        uio::file f = co_await uio::file::open(path, O_RDONLY);
        std::byte buffer[16];
        co_return co_await f.read_some(buffer, 0);
    }());
    std::printf("consumer read %zu bytes\n", n);
    return n == 5 ? 0 : 1;
}
