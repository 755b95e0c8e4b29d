#include "workload.hpp"

#include <cstdio>
#include <cstring>

namespace ubench {

namespace {

constexpr std::uint64_t offset_seed = 0x5EED'0FF5'E7ULL;

std::uint64_t splitmix64(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace

std::string_view name(workload_kind kind) noexcept {
    switch (kind) {
        case workload_kind::random_read:
            return "randread";
        case workload_kind::sequential_read:
            return "seqread";
        case workload_kind::sequential_write:
            return "seqwrite";
        case workload_kind::small_files:
            return "smallfiles";
    }
    return "?";
}

std::string_view name(cache_mode mode) noexcept {
    switch (mode) {
        case cache_mode::buffered_hot:
            return "buffered-hot";
        case cache_mode::buffered_cold:
            return "buffered-cold";
        case cache_mode::direct:
            return "direct";
    }
    return "?";
}

std::uint64_t job::offset_of(std::uint64_t index) const noexcept {
    const std::uint64_t blocks = file_size / block_size;
    if (kind == workload_kind::random_read) {
        // Stateless: the i-th offset is the same whichever thread or task asks for it.
        return (splitmix64(offset_seed + index) % blocks) * block_size;
    }
    return (index % blocks) * block_size;
}

std::string job::small_path(std::uint64_t index) const {
    return small_dir + "/" + small_file_name(static_cast<unsigned>(index % small_count));
}

std::string small_file_name(unsigned index) {
    char name[32];
    std::snprintf(name, sizeof name, "f%06u.bin", index);
    return name;
}

void fill_pattern(std::span<std::byte> out, std::uint64_t offset, std::uint64_t stream) noexcept {
    // One 64-bit word per 8 bytes of the file, derived from its position: reproducible from
    // any offset, so writers can produce exactly what readers expect.
    std::size_t i = 0;
    while (i < out.size()) {
        std::uint64_t word_index = (offset + i) / 8;
        std::uint64_t word = splitmix64(word_index ^ (stream << 48));
        std::size_t skip = (offset + i) % 8;
        std::size_t n = std::min<std::size_t>(8 - skip, out.size() - i);
        std::memcpy(out.data() + i, reinterpret_cast<const std::byte*>(&word) + skip, n);
        i += n;
    }
}

}  // namespace ubench
