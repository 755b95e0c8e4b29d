// file: RAII ownership, errors that name the path, read_exact / write_all.
#include "uio/uring/file.hpp"

#include <fstream>

#include "test_support.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
using uio::testing::temp_dir;

TEST_CASE("opening a missing file fails with the path and the errno text") {
    temp_dir dir;
    std::string path = dir / "nope.txt";
    try {
        uio::run(uio::file::open(path, O_RDONLY));
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::no_such_file_or_directory);
        std::string what = e.what();
        CHECK(what.find(path) != std::string::npos);
        CHECK(what.find("No such file or directory") != std::string::npos);
    }
}

TEST_CASE("write_all and read_exact round-trip a buffer, and read_exact past the end fails") {
    temp_dir dir;
    std::string path = dir / "f";
    auto main = [&]() -> task<void> {
        uio::file f = co_await uio::file::open(path, O_CREAT | O_RDWR | O_TRUNC);
        std::string text(70'000, 'x');
        co_await f.write_all(std::as_bytes(std::span(text)), 0);
        std::string back(text.size(), '\0');
        co_await f.read_exact(std::as_writable_bytes(std::span(back)), 0);
        CHECK(back == text);
        auto st = co_await f.stat();
        CHECK(st.stx_size == text.size());
        bool eof = false;
        try {
            co_await f.read_exact(std::as_writable_bytes(std::span(back)), 10);
        } catch (const std::system_error& e) {
            eof = std::string(e.what()).find("unexpected end of file") != std::string::npos;
        }
        CHECK(eof);
        co_await f.sync();
        co_await f.close();
        CHECK_FALSE(f.is_open());
    };
    uio::run(main());
}

TEST_CASE("a file closes its descriptor when destroyed") {
    temp_dir dir;
    std::string path = dir / "g";
    std::ofstream(path) << "data";
    int before = uio::testing::open_fd_count();
    uio::run([&]() -> task<void> {
        uio::file f = co_await uio::file::open(path, O_RDONLY);
        CHECK(f.is_open());
        uio::file moved = std::move(f);
        CHECK_FALSE(f.is_open());
        co_return;
    }());
    CHECK(uio::testing::open_fd_count() == before);
}
