// copy_tree.hpp, the public calls, on a loop of the test's own: a copy equals cp -a's, a sync
// changes only what changed, a check finds a difference, the progress callback is called and
// ends with `finished`, a stop cancels a copy mid-file with no temporary left behind, and a
// failure that ends a run is a tree_error with its errno.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "copy_gate.hpp"
#include "env_test_hooks.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"
#include "uio/core/errors.hpp"
#include "uio/core/task_group.hpp"
#include "uio/fs/copy_tree.hpp"
#include "uio/fs/test_hooks.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/timeout.hpp"

namespace {

// `ucopy -a SRC DST` as options.
uio::fs::options copy_tree_api_archive(const std::string& source, const std::string& destination) {
    uio::fs::options opts;
    opts.sources = {source};
    opts.destination = destination;
    opts.recursive = true;
    opts.preserve = {
        .mode = true, .ownership = true, .timestamps = true, .xattr = true, .links = true};
    return opts;
}

uio::task<void> copy_tree_api_copy_until_stopped(uio::fs::options opts,
                                                 std::exception_ptr& failure) {
    try {
        co_await uio::fs::copy_tree(std::move(opts));
    } catch (...) {
        failure = std::current_exception();
    }
}

// Waits for the gate's first arrival (a file half copied), then stops the group.
uio::task<void> copy_tree_api_stop_on_arrival(const ucopy_test::copy_gate& gate,
                                              uio::task_group& group, bool& arrived) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (gate.arrivals().empty() && std::chrono::steady_clock::now() < deadline) {
        co_await uio::sleep_for(std::chrono::milliseconds(2));
    }
    arrived = !gate.arrivals().empty();
    group.request_stop();
}

// A run-ending failure: the first small file handed to a chain throws EIO (a system_error
// in the generic category, as an I/O call's failure is), which no entry catches.
class copy_tree_api_failing_chain final : public uio::fs::test_hooks {
  public:
    int calls = 0;

    uio::task<void> chunk_copied(const std::string&, bool) override { co_return; }
    bool splits_kernel_copies() const override { return false; }
    uio::task<void> first_piece_copied(const std::string&) override { co_return; }
    void data_written(int, const std::string&) override {}
    int chain_failure(int, const std::string& name) override {
        ++calls;
        throw std::system_error(EIO, std::generic_category(), "cannot chain '" + name + "'");
    }
    bool chains_cold() const override { return false; }
};

}  // namespace

TEST_CASE("a failure that ends copy_tree is a tree_error with its errno and the counts",
          "[copy_tree]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directory(work / "src");
    ucopy_test::write_file(work / "src/small.txt", "small");
    copy_tree_api_failing_chain hooks;
    uio::fs::options opts;
    opts.sources = {work / "src"};
    opts.destination = work / "dst";
    opts.recursive = true;
    opts.hooks = &hooks;
    try {
        uio::run(uio::fs::copy_tree(opts));
        FAIL("copy_tree ended normally");
    } catch (const uio::fs::tree_error& e) {
        CHECK(e.error_number == EIO);
        CHECK(e.kind() == uio::error_kind::io);
        CHECK(std::string(e.what()).find("cannot chain 'small.txt'") != std::string::npos);
        CHECK(e.stats.files_seen >= 1);  // what the run had done by then
    }
    CHECK(hooks.calls == 1);
}

TEST_CASE("copy_tree copies a tree as cp -a does, with progress calls", "[copy_tree]") {
    uio::testing::temp_dir work;
    ucopy_test::build_full_tree(work / "src");
    std::vector<uio::fs::tree_stats> calls;
    uio::fs::progress_callback progress = [&](const uio::fs::tree_stats& so_far) {
        calls.push_back(so_far);
    };
    uio::fs::tree_stats done =
        uio::run(uio::fs::copy_tree(copy_tree_api_archive(work / "src", work / "dst"), progress));
    ucopy_test::check_same_tree(work / "src", work / "dst");
    CHECK(done.errors == 0);
    CHECK(done.files_done > 0);
    CHECK(done.finished);
    REQUIRE_FALSE(calls.empty());
    CHECK(calls.back().finished);
    CHECK(calls.back().files_done == done.files_done);
}

TEST_CASE("sync_tree copies only what changed, and check_tree sees the difference", "[copy_tree]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directory(work / "src");
    ucopy_test::write_file(work / "src/a.txt", "first");
    ucopy_test::write_file(work / "src/b.txt", "second");
    uio::fs::options opts = copy_tree_api_archive(work / "src/.", work / "dst");
    uio::fs::tree_stats first = uio::run(uio::fs::sync_tree(opts));
    CHECK(first.errors == 0);
    CHECK(ucopy_test::read_file(work / "dst/a.txt") == "first");
    uio::fs::check_stats same = uio::run(uio::fs::check_tree(opts));
    CHECK(same.same());
    CHECK(same.checked >= 2);

    ucopy_test::write_file(work / "src/b.txt", "changed");
    ucopy_test::set_mtime(work / "src/b.txt", 1000000000, 0);
    uio::fs::check_stats differ = uio::run(uio::fs::check_tree(opts));
    CHECK(differ.differences > 0);
    uio::fs::tree_stats second = uio::run(uio::fs::sync_tree(opts));
    CHECK(second.copied == 1);
    CHECK(second.unchanged >= 1);
    CHECK(ucopy_test::read_file(work / "dst/b.txt") == "changed");
    CHECK(uio::run(uio::fs::check_tree(opts)).same());
}

TEST_CASE("copy_tree refuses a check, and a missing source is an entry error", "[copy_tree]") {
    uio::testing::temp_dir work;
    uio::fs::options opts = copy_tree_api_archive(work / "missing", work / "dst");
    uio::fs::tree_stats done = uio::run(uio::fs::copy_tree(opts));
    CHECK(done.errors == 1);
    opts.check = true;
    try {
        uio::run(uio::fs::copy_tree(opts));
        FAIL("copy_tree ran a check");
    } catch (const std::exception& e) {
        CHECK(uio::kind_of(e) == uio::error_kind::usage);
    }
}

TEST_CASE("a stop cancels copy_tree mid-file and leaves no temporary behind", "[copy_tree]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directory(work / "src");
    ucopy_test::write_file(work / "src/big.bin", std::string(4 << 20, 'x'));
    for (int i = 0; i < 20; ++i) {
        ucopy_test::write_file(work / ("src/small" + std::to_string(i)), "small");
    }
    // The gate holds big.bin after its first chunk (test_gate.hpp): the copy cannot end
    // before the stop, whatever the machine's speed.
    ucopy_test::copy_gate gate(work / "gate", 0, "big.bin");
    for (const std::string& var : gate.env()) {
        const auto eq = var.find('=');
        ::setenv(var.substr(0, eq).c_str(), var.substr(eq + 1).c_str(), 1);
    }
    const std::unique_ptr<ucopy::test_hooks> hooks = ucopy::make_env_test_hooks();
    REQUIRE(hooks);
    uio::fs::options opts = copy_tree_api_archive(work / "src", work / "dst");
    opts.hooks = hooks.get();
    opts.data_strategy = uio::fs::strategy::read_write;  // the gate sits in read/write
    opts.chains = false;
    std::exception_ptr failure;
    bool arrived = false;
    try {
        uio::run(uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
            group.spawn(copy_tree_api_copy_until_stopped(opts, failure));
            group.spawn(copy_tree_api_stop_on_arrival(gate, group, arrived));
            co_return;
        }));
    } catch (...) {
        CHECK(uio::is_cancellation(std::current_exception()));  // the group's own stop
    }
    for (const char* var : {"UCOPY_TEST_GATE", "UCOPY_TEST_GATE_PASS", "UCOPY_TEST_GATE_ONLY"}) {
        ::unsetenv(var);
    }
    CHECK(arrived);
    REQUIRE(failure);
    CHECK(uio::is_cancellation(failure));
    const std::vector<std::string> leftovers = ucopy_test::temp_leftovers(work.path().string());
    for (const std::string& name : leftovers) UNSCOPED_INFO(name);
    CHECK(leftovers.empty());
    CHECK_FALSE(std::filesystem::exists(work / "dst/big.bin"));
}
