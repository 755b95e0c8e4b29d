// Every engine folds what it read into one 64-bit value. Operations complete in any order,
// so the per-block xxh3 hashes (seeded with the block's position, so a block read from the
// wrong place counts as wrong) are added, not chained.
#pragma once

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ubench {

inline std::uint64_t block_hash(std::span<const std::byte> data, std::uint64_t position) noexcept {
    return XXH3_64bits_withSeed(data.data(), data.size(), position);
}

}  // namespace ubench
