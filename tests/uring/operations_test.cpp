// The awaitable operations against real files, pipes and directories.
#include "uio/uring/operations.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using uio::task;
using uio::testing::temp_dir;

namespace {
std::vector<std::byte> pattern(std::size_t size, unsigned seed) {
    std::vector<std::byte> bytes(size);
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& b : bytes) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        b = static_cast<std::byte>(x);
    }
    return bytes;
}
}  // namespace

TEST_CASE("write then read a file through openat, write, read, fsync, close") {
    temp_dir dir;
    std::string path = dir / "data.bin";
    auto main = [&]() -> task<void> {
        auto data = pattern(100'000, 1);
        int fd = co_await uio::openat(AT_FDCWD, path.c_str(), O_CREAT | O_RDWR | O_EXCL, 0600);
        REQUIRE(fd >= 0);
        int written = co_await uio::write(fd, data, 0);
        CHECK(written == 100'000);
        auto result_1 = co_await uio::fsync(fd);
        CHECK(result_1 == 0);
        auto result_2 = co_await uio::fdatasync(fd);
        CHECK(result_2 == 0);
        std::vector<std::byte> back(data.size());
        auto result_3 = co_await uio::read(fd, back, 0);
        CHECK(result_3 == 100'000);
        CHECK(back == data);
        auto result_4 = co_await uio::close(fd);
        CHECK(result_4 == 0);
    };
    uio::run(main());
    CHECK(std::filesystem::file_size(path) == 100'000);
}

TEST_CASE("readv and writev move several buffers in one request") {
    temp_dir dir;
    std::string path = dir / "v.bin";
    auto main = [&]() -> task<void> {
        uio::file f = co_await uio::file::open(path, O_CREAT | O_RDWR);
        char a[] = "hello ", b[] = "world";
        iovec out[] = {{a, 6}, {b, 5}};
        auto result_5 = co_await uio::writev(f.fd(), out, 0);
        CHECK(result_5 == 11);
        char x[5], y[6];
        iovec in[] = {{x, 5}, {y, 6}};
        auto result_6 = co_await uio::readv(f.fd(), in, 0);
        CHECK(result_6 == 11);
        CHECK(std::string(x, 5) == "hello");
        CHECK(std::string(y, 6) == " world");
    };
    uio::run(main());
}

TEST_CASE("10,000 concurrent reads all complete with the right data") {
    temp_dir dir;
    std::string path = dir / "big.bin";
    constexpr std::size_t block = 4096, blocks = 10'000;
    auto data = pattern(block * blocks, 7);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()), data.size());
    auto main = [&]() -> task<int> {
        uio::file f = co_await uio::file::open(path, O_RDONLY);
        auto one = [&](std::size_t i) -> task<int> {
            std::vector<std::byte> buf(block);
            co_await f.read_exact(buf, i * block);
            co_return std::memcmp(buf.data(), data.data() + i * block, block) == 0 ? 1 : 0;
        };
        std::vector<task<int>> reads;
        for (std::size_t i = 0; i < blocks; ++i) reads.push_back(one((i * 7919) % blocks));
        auto ok = co_await uio::when_all(std::move(reads));
        co_return std::accumulate(ok.begin(), ok.end(), 0);
    };
    CHECK(uio::run(main()) == static_cast<int>(blocks));
}

TEST_CASE("statx, fallocate, mkdirat, renameat, linkat, symlinkat and unlinkat") {
    temp_dir dir;
    int dirfd = ::open(dir.path().c_str(), O_DIRECTORY | O_RDONLY);
    REQUIRE(dirfd >= 0);
    auto main = [&]() -> task<void> {
        auto result_7 = co_await uio::mkdirat(dirfd, "sub", 0750);
        CHECK(result_7 == 0);
        int fd = co_await uio::openat(dirfd, "sub/f", O_CREAT | O_WRONLY, 0640);
        REQUIRE(fd >= 0);
        auto result_8 = co_await uio::fallocate(fd, 0, 0, 1 << 20);
        CHECK(result_8 == 0);
        struct statx st {};
        auto result_9 = co_await uio::statx(dirfd, "sub/f", 0, STATX_SIZE | STATX_MODE, &st);
        CHECK(result_9 == 0);
        CHECK(st.stx_size == (1u << 20));
        CHECK((st.stx_mode & 07777) == 0640);
        auto result_10 = co_await uio::close(fd);
        CHECK(result_10 == 0);
        auto result_11 = co_await uio::renameat(dirfd, "sub/f", dirfd, "g");
        CHECK(result_11 == 0);
        auto result_12 = co_await uio::linkat(dirfd, "g", dirfd, "h");
        CHECK(result_12 == 0);
        auto result_13 = co_await uio::symlinkat("g", dirfd, "link");
        CHECK(result_13 == 0);
        auto result_14 = co_await uio::statx(dirfd, "g", 0, STATX_NLINK, &st);
        CHECK(result_14 == 0);
        CHECK(st.stx_nlink == 2);
        auto result_15 = co_await uio::unlinkat(dirfd, "h");
        CHECK(result_15 == 0);
        auto result_16 = co_await uio::unlinkat(dirfd, "sub", AT_REMOVEDIR);
        CHECK(result_16 == 0);
        auto result_17 = co_await uio::unlinkat(dirfd, "missing");
        CHECK(result_17 == -ENOENT);
    };
    uio::run(main());
    CHECK(std::filesystem::is_symlink(dir.path() / "link"));
    CHECK(std::filesystem::read_symlink(dir.path() / "link") == "g");
    ::close(dirfd);
}

TEST_CASE("openat2 opens beneath a directory and refuses a symlink out of it") {
    temp_dir dir;
    std::filesystem::create_directory(dir.path() / "inside");
    std::filesystem::create_directory_symlink("/tmp", dir.path() / "out");
    int dirfd = ::open(dir.path().c_str(), O_DIRECTORY | O_RDONLY);
    REQUIRE(dirfd >= 0);
    auto main = [&]() -> task<void> {
        open_how how{};
        how.flags = O_RDONLY | O_DIRECTORY;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
        const int inside = co_await uio::openat2(dirfd, "inside", &how);
        CHECK(inside >= 0);
        if (inside >= 0) CHECK((::fcntl(inside, F_GETFD) & FD_CLOEXEC) != 0);
        if (inside >= 0) ::close(inside);
        how.flags = O_RDONLY | O_DIRECTORY;
        const int out = co_await uio::openat2(dirfd, "out", &how);
        CHECK(out == -ELOOP);
        how.flags = O_RDONLY | O_DIRECTORY;
        const int up = co_await uio::openat2(dirfd, "../", &how);
        CHECK(up == -EXDEV);
    };
    uio::run(main());
    ::close(dirfd);
}

TEST_CASE("splice moves bytes from a pipe into a file, and poll waits for readability") {
    temp_dir dir;
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    std::string path = dir / "spliced";
    auto main = [&]() -> task<void> {
        uio::file out = co_await uio::file::open(path, O_CREAT | O_WRONLY);
        auto reader = [&]() -> task<void> {
            int ready = co_await uio::poll(pipefd[0], POLLIN);
            CHECK((ready & POLLIN) != 0);
            auto result_18 = co_await uio::splice(pipefd[0], -1, out.fd(), 0, 5);
            CHECK(result_18 == 5);
        };
        auto writer = [&]() -> task<void> {
            co_await uio::sleep_for(std::chrono::milliseconds(2));
            const char msg[] = "spice";
            auto result_19 =
                co_await uio::write(pipefd[1], std::as_bytes(std::span(msg, 5)), ~0ULL);
            CHECK(result_19 == 5);
        };
        co_await uio::when_all(reader(), writer());
    };
    uio::run(main());
    std::ifstream in(path);
    std::string text;
    in >> text;
    CHECK(text == "spice");
    ::close(pipefd[0]);
    ::close(pipefd[1]);
}
