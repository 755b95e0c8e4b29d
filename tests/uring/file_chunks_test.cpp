// file_chunks: every byte once, in order, in chunks no larger than asked; from an offset.
#include "uio/uring/file_chunks.hpp"

#include <fstream>
#include <string>

#include "test_support.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
using uio::testing::temp_dir;

namespace {

std::string pattern_text(std::size_t size) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7) % 26);
    return text;
}

}  // namespace

TEST_CASE("file_chunks yields the whole file in order, in chunks of at most chunk_size") {
    temp_dir dir;
    std::string path = dir / "f";
    const std::string text = pattern_text(100'003);
    std::ofstream(path, std::ios::binary) << text;
    for (std::uint64_t offset : {0ULL, 1ULL, 4096ULL, 100'003ULL}) {
        std::string back;
        std::size_t largest = 0, count = 0;
        uio::run([&]() -> task<void> {
            uio::file in = co_await uio::file::open(path, O_RDONLY);
            auto chunks = uio::file_chunks(in, 4096, offset);
            while (auto chunk = co_await chunks.next()) {
                CHECK_FALSE(chunk->empty());
                largest = std::max(largest, chunk->size());
                ++count;
                back.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
            }
        }());
        INFO("offset " << offset);
        CHECK(back == text.substr(offset));
        CHECK(largest <= 4096);
        CHECK(count == (text.size() - offset + 4095) / 4096);
    }
}

TEST_CASE("file_chunks of an empty file yields nothing; a zero chunk size is refused") {
    temp_dir dir;
    std::string path = dir / "empty";
    std::ofstream(path, std::ios::binary).flush();
    std::size_t count = 0;
    uio::run([&]() -> task<void> {
        uio::file in = co_await uio::file::open(path, O_RDONLY);
        auto chunks = uio::file_chunks(in, 4096);
        while (co_await chunks.next()) ++count;
        auto none = uio::file_chunks(in, 0);
        CHECK_THROWS_AS(co_await none.next(), std::invalid_argument);
    }());
    CHECK(count == 0);
}
