// What every engine must do, as pure functions of an operation's index: which offset or file
// the i-th operation touches and which bytes a file holds. Engines only differ in *how*
// they do the work, so the sum of per-block hashes (order-independent) must come out equal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ubench {

enum class workload_kind { random_read, sequential_read, sequential_write, small_files };

std::string_view name(workload_kind kind) noexcept;

// How the file is opened and what is in the page cache before a run.
enum class cache_mode { buffered_hot, buffered_cold, direct };

std::string_view name(cache_mode mode) noexcept;

// One measured run: `operations` operations of `block_size` bytes, at most `queue_depth` in
// flight (engines that cannot overlap requests run them one at a time).
struct job {
    workload_kind kind;
    cache_mode mode;
    std::size_t block_size;
    unsigned queue_depth;
    std::uint64_t operations;
    std::string data_path;             // the large file (random and sequential cases)
    std::uint64_t file_size;           // bytes in the data file
    std::string small_dir;             // the small files (small_files)
    unsigned small_count;              // how many small files there are
    const std::byte* image = nullptr;  // the data file's whole content: what writes copy from

    bool writes() const noexcept { return kind == workload_kind::sequential_write; }
    bool direct() const noexcept { return mode == cache_mode::direct; }
    // Byte offset of operation `index` in the data file.
    std::uint64_t offset_of(std::uint64_t index) const noexcept;
    // Small file read by operation `index`.
    std::string small_path(std::uint64_t index) const;
};

constexpr std::size_t small_file_size = 8192;

// The bytes a file holds at `offset` (a deterministic, incompressible pattern); `stream`
// separates files (0 for the data file, 1 + index for small files).
void fill_pattern(std::span<std::byte> out, std::uint64_t offset, std::uint64_t stream) noexcept;

std::string small_file_name(unsigned index);

}  // namespace ubench
