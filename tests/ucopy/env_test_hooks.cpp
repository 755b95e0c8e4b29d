// The test hooks (tools/ucopy/test_hooks.hpp) of the test-only twins ucopy-testable and
// ucopy-tables-testable, armed by the environment; never linked into a shipped program.
//   UCOPY_TEST_GATE=DIR, UCOPY_TEST_GATE_PASS=N, UCOPY_TEST_GATE_ONLY=TEXT
//       the test gate: files held after their first chunk until DIR/open exists
//       (tests/ucopy/test_gate.hpp; tests/ucopy/copy_gate.hpp drives it)
//   UCOPY_TEST_CHUNK_DELAY_MS=N   every chunk read and written through the ring then waits
//       N ms, so that a copy lasts long enough to be killed or raced
//   UCOPY_TEST_CORRUPT=TEXT       the first byte of each copy whose destination path holds
//       TEXT is flipped once its data is written, before --verify re-reads it
//   UCOPY_TEST_CHAIN_FAIL=open:NAME, write:NAME or grow:NAME   the small file NAME's chain
//       fails at its source open or at its write, or its source gains a byte just before
//       its chain runs (a writer between the walk and the read)
//   UCOPY_TEST_CHAIN_COLD=1       chains copy every file by the ring, as if none were cached
//   UCOPY_TEST_UPSERT_BATCH_BYTES=N   an upsert into PostgreSQL batches N bytes at a time
//       (table_copy_options::upsert_batch_bytes), so that a small file makes dozens
//   UCOPY_TEST_INTERNAL_ERROR=1   a table copy throws a std::logic_error as it starts (a
//       bug's path: "internal error", exit 70)
// With none of them set the program has no hooks at all, as the shipped one.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <uio/uring/timeout.hpp>

#include "env_test_hooks.hpp"

#include "test_gate.hpp"
#include "uio/db/etl/table_copy_options.hpp"

namespace ucopy {

namespace {

// Steps of UCOPY_TEST_CHAIN_FAIL: 1 and 2 are small_file::test_failure's; grow is done here.
constexpr int chain_fail_grow = 3;

class env_test_hooks final : public test_hooks {
  public:
    env_test_hooks() {
        if (const char* delay = std::getenv("UCOPY_TEST_CHUNK_DELAY_MS")) {
            delay_ms_ = static_cast<unsigned>(std::atoi(delay));
        }
        corrupt_match_ = std::getenv("UCOPY_TEST_CORRUPT");
        if (const char* fail = std::getenv("UCOPY_TEST_CHAIN_FAIL")) {
            std::string_view spec = fail;
            if (spec.rfind("open:", 0) == 0) chain_fail_step_ = 1;
            if (spec.rfind("write:", 0) == 0) chain_fail_step_ = 2;
            if (spec.rfind("grow:", 0) == 0) chain_fail_step_ = chain_fail_grow;
            if (chain_fail_step_ != 0) chain_fail_name_ = spec.substr(spec.find(':') + 1);
        }
        chains_cold_ = std::getenv("UCOPY_TEST_CHAIN_COLD") != nullptr;
        internal_error_ = std::getenv("UCOPY_TEST_INTERNAL_ERROR") != nullptr;
        if (const char* bytes = std::getenv("UCOPY_TEST_UPSERT_BATCH_BYTES")) {
            upsert_batch_bytes_ = std::strtoull(bytes, nullptr, 10);
        }
    }

    bool armed() const noexcept {
        return gate_.armed() || delay_ms_ > 0 || corrupt_match_ || chain_fail_step_ != 0 ||
               chains_cold_ || internal_error_ || upsert_batch_bytes_ > 0;
    }

    uio::task<void> chunk_copied(const std::string& source, bool first) override {
        if (delay_ms_ > 0) co_await uio::sleep_for(std::chrono::milliseconds(delay_ms_));
        if (first && gate_.armed()) co_await gate_.arrive(source);
    }

    bool splits_kernel_copies() const override { return gate_.armed(); }

    uio::task<void> first_piece_copied(const std::string& source) override {
        co_await gate_.arrive(source);
    }

    void data_written(int fd, const std::string& destination) override {
        if (!corrupt_match_ || destination.find(corrupt_match_) == std::string::npos) return;
        unsigned char byte = 0;
        if (::pread(fd, &byte, 1, 0) != 1) return;  // empty: nothing to corrupt
        byte ^= 0xff;
        (void)!::pwrite(fd, &byte, 1, 0);
    }

    int chain_failure(int src_dirfd, const std::string& src_name) override {
        if (chain_fail_step_ == 0 || src_name != chain_fail_name_) return 0;
        if (chain_fail_step_ != chain_fail_grow) return chain_fail_step_;
        const int fd = ::openat(src_dirfd, src_name.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd >= 0) {
            (void)!::write(fd, "+", 1);
            ::close(fd);
        }
        return 0;
    }

    bool chains_cold() const override { return chains_cold_; }

    void table_copy_starting(uio::etl::table_copy_options& options) override {
        if (internal_error_) throw std::logic_error("UCOPY_TEST_INTERNAL_ERROR is set");
        if (upsert_batch_bytes_ > 0) options.upsert_batch_bytes = upsert_batch_bytes_;
    }

  private:
    test_gate gate_;  // reads UCOPY_TEST_GATE*
    unsigned delay_ms_ = 0;
    const char* corrupt_match_ = nullptr;
    std::string chain_fail_name_;
    int chain_fail_step_ = 0;
    bool chains_cold_ = false;
    bool internal_error_ = false;
    std::size_t upsert_batch_bytes_ = 0;
};

}  // namespace

std::unique_ptr<test_hooks> make_env_test_hooks() {
    auto hooks = std::make_unique<env_test_hooks>();
    if (!hooks->armed()) return nullptr;
    return hooks;
}

test_hooks* program_test_hooks() {
    static env_test_hooks hooks;
    return hooks.armed() ? &hooks : nullptr;
}

}  // namespace ucopy
