// test_hooks: where tests reach inside a tree copy — holding a file mid-copy, slowing chunks,
// corrupting a copy before --verify re-reads it, failing a small file's chain — with none of
// it in the shipped programs.
//
// The engine calls these through options::hooks, null in the shipped ucopy
// (tools/ucopy/no_test_hooks.cpp), so each point costs one null check there. The test-only
// twin ucopy-testable (tests/ucopy/CMakeLists.txt) links tests/ucopy/env_test_hooks.cpp
// instead, which arms the hooks the UCOPY_TEST_* variables ask for (docs/testing.md).
//
// Threads: every hook runs on the loop thread (chain_failure before its batch goes to the
// chain pool).
#pragma once

#include <string>

#include <uio/core/task.hpp>

namespace uio::fs {

class test_hooks {
  public:
    virtual ~test_hooks() = default;

    // data_mover: a chunk of `source` was read and written through the ring; `first`: the
    // file's first chunk.
    [[nodiscard("must co_await")]] virtual uio::task<void> chunk_copied(const std::string& source,
                                                                        bool first) = 0;
    // data_mover: whether a copy_file_range copy moves a first piece of one chunk alone and
    // calls first_piece_copied before the rest (so a file can be held mid-copy on that path).
    virtual bool splits_kernel_copies() const = 0;
    [[nodiscard("must co_await")]] virtual uio::task<void> first_piece_copied(
        const std::string& source) = 0;
    // file_copier: a regular file's data is all written to `fd`, before --verify re-reads it.
    virtual void data_written(int fd, const std::string& destination) = 0;
    // chain_batches: a small file is about to go to a chain; returns its
    // small_file::test_failure (0: none).
    virtual int chain_failure(int src_dirfd, const std::string& src_name) = 0;
    // engine: chains copy every file by the ring, as if nothing were in the page cache.
    virtual bool chains_cold() const = 0;
};

}  // namespace uio::fs
