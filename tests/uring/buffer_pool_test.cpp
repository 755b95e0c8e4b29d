// buffer_pool: registered buffers carry read_fixed / write_fixed; acquire waits when all are out.
#include "uio/uring/buffer_pool.hpp"

#include <cstring>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
using uio::task;

TEST_CASE("write_fixed and read_fixed round-trip through registered buffers") {
    uio::testing::temp_dir dir;
    std::string path = dir / "fixed.bin";
    uio::io_context context;
    uio::buffer_pool pool(context, 4, 64 * 1024);
    context.run([&]() -> task<void> {
        uio::file f = co_await uio::file::open(path, O_CREAT | O_RDWR);
        {
            uio::registered_buffer out = co_await pool.acquire();
            CHECK(reinterpret_cast<std::uintptr_t>(out.span().data()) % 4096 == 0);
            std::memset(out.span().data(), 0x5a, out.span().size());
            auto result_1 = co_await uio::write_fixed(f.fd(), out.span(), 0, out.index());
            CHECK(result_1 == 64 * 1024);
        }
        uio::registered_buffer in = co_await pool.acquire();
        std::memset(in.span().data(), 0, in.span().size());
        auto result_2 = co_await uio::read_fixed(f.fd(), in.span(), 0, in.index());
        CHECK(result_2 == 64 * 1024);
        CHECK(static_cast<unsigned char>(in.span()[1000]) == 0x5a);
        CHECK(pool.available() == 3);
    }());
    CHECK(pool.available() == 4);
}

TEST_CASE("acquire waits until a buffer comes back") {
    uio::io_context context;
    uio::buffer_pool pool(context, 1, 4096);
    std::vector<int> order;
    context.run([&]() -> task<void> {
        auto holder = [&]() -> task<void> {
            auto b = co_await pool.acquire();
            order.push_back(1);
            co_await uio::sleep_for(5ms);
            order.push_back(2);
        };
        auto waiter = [&]() -> task<void> {
            auto b = co_await pool.acquire();
            order.push_back(3);
        };
        co_await uio::when_all(holder(), waiter());
    }());
    CHECK(order == std::vector<int>{1, 2, 3});
}
