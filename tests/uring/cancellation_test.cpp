// Cancelling in-flight and queued operations: prompt, and nothing leaks (fds, buffers).
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "counted.hpp"
#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;
using uio::testing::counted;

namespace {
// A buffer that counts itself, so a test can see it outlive the kernel's use of it.
struct counted_buffer : counted {
    std::vector<std::byte> bytes = std::vector<std::byte>(4096);
};
}  // namespace

TEST_CASE("a read blocked on an empty pipe is cancelled promptly and its buffer freed") {
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    counted::reset();
    int before = uio::testing::open_fd_count();
    auto blocked_read = [&]() -> task<int> {
        counted_buffer buffer;
        co_return co_await uio::read(pipefd[0], buffer.bytes, ~0ULL);
    };
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(uio::run(uio::with_timeout(blocked_read(), 10ms)), std::system_error);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(counted::alive == 0);
    CHECK(uio::testing::open_fd_count() == before);
    // The pipe is still usable: the cancelled read consumed nothing.
    CHECK(::write(pipefd[1], "x", 1) == 1);
    char c = 0;
    CHECK(::read(pipefd[0], &c, 1) == 1);
    CHECK(c == 'x');
    ::close(pipefd[0]);
    ::close(pipefd[1]);
}

TEST_CASE("cancelling many opens and reads, some queued behind a small ring, leaks no fd") {
    uio::testing::temp_dir dir;
    std::string path = dir / "f";
    { std::ofstream(path) << std::string(8192, 'a'); }
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    counted::reset();
    int before = uio::testing::open_fd_count();
    uio::io_context context({.entries = 8});
    for (int round = 0; round < 20; ++round) {
        auto opener = [&]() -> task<void> {
            counted_buffer buffer;
            uio::file f = co_await uio::file::open(path, O_RDONLY);
            co_await f.read_some(buffer.bytes, 0);
            co_await uio::read(pipefd[0], buffer.bytes, ~0ULL);  // never completes
        };
        std::vector<task<void>> tasks;
        for (int i = 0; i < 200; ++i) tasks.push_back(opener());
        CHECK_THROWS(context.run(uio::with_timeout(uio::when_all(std::move(tasks)),
                                                   std::chrono::microseconds(100 * round))));
        CHECK(counted::alive == 0);
        CHECK(uio::testing::open_fd_count() == before + 2);  // the ring fd and its eventfd
    }
    ::close(pipefd[0]);
    ::close(pipefd[1]);
}
