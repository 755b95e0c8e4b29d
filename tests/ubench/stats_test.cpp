// ubench's own arithmetic: percentiles, medians, and the workload functions every engine
// relies on to do the same work.
#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

#include "stats.hpp"
#include "workload.hpp"

TEST_CASE("percentile uses the nearest rank") {
    std::vector<std::uint32_t> v;
    for (std::uint32_t i = 1; i <= 100; ++i) v.push_back(101 - i);
    CHECK(ubench::percentile(v, 50) == 50);
    CHECK(ubench::percentile(v, 99) == 99);
    CHECK(ubench::percentile(v, 100) == 100);
    std::vector<std::uint32_t> empty;
    CHECK(ubench::percentile(empty, 50) == 0);
}

TEST_CASE("summarize gives median, min and max") {
    ubench::spread odd = ubench::summarize({3, 1, 2});
    CHECK(odd.median == 2);
    CHECK(odd.min == 1);
    CHECK(odd.max == 3);
    CHECK(ubench::summarize({4, 1, 2, 3}).median == 2.5);
}

TEST_CASE("the pattern is the same from any starting offset") {
    std::vector<std::byte> whole(100), part(37);
    ubench::fill_pattern(whole, 0, 0);
    ubench::fill_pattern(part, 13, 0);
    CHECK(std::equal(part.begin(), part.end(), whole.begin() + 13));
    std::vector<std::byte> other(100);
    ubench::fill_pattern(other, 0, 1);
    CHECK(other != whole);
}

TEST_CASE("random offsets are aligned, inside the file and reproducible") {
    ubench::job j{};
    j.kind = ubench::workload_kind::random_read;
    j.block_size = 4096;
    j.file_size = 1 << 20;
    for (std::uint64_t i = 0; i < 1000; ++i) {
        std::uint64_t offset = j.offset_of(i);
        CHECK(offset % 4096 == 0);
        CHECK(offset + 4096 <= j.file_size);
        CHECK(offset == j.offset_of(i));
    }
}
