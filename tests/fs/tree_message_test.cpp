// tree_message.hpp, the messages of an embedded run: an unreadable file's error reaches the
// options' on_message callback with the user's path and the errno, -i/-v lines and deletions
// arrive as messages, check_tree's differences too (on the loop thread) and its errors with
// both paths and the errno, and through all of it nothing is written to the process's stdout
// or stderr (fds 1 and 2 are captured).
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "no_dac_override.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"
#include "uio/fs/copy_tree.hpp"
#include "uio/fs/tree_message.hpp"
#include "uio/uring/io_context.hpp"

namespace {

// Fds 1 and 2 go to a file until restore() (or the end of the scope).
class tree_message_test_capture {
  public:
    explicit tree_message_test_capture(const std::string& path) : path_(path) {
        flush();
        saved_out_ = ::dup(STDOUT_FILENO);
        saved_err_ = ::dup(STDERR_FILENO);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~tree_message_test_capture() { restore(); }

    // What was written to either fd meanwhile.
    std::string restore() {
        if (saved_out_ >= 0) {
            flush();
            ::dup2(saved_out_, STDOUT_FILENO);
            ::dup2(saved_err_, STDERR_FILENO);
            ::close(std::exchange(saved_out_, -1));
            ::close(std::exchange(saved_err_, -1));
        }
        return ucopy_test::read_file(path_);
    }

  private:
    static void flush() {
        std::fflush(stdout);
        std::fflush(stderr);
        std::cout.flush();
        std::cerr.flush();
    }

    std::string path_;
    int saved_out_ = -1;
    int saved_err_ = -1;
};

uio::fs::options tree_message_test_options(const std::string& source,
                                           const std::string& destination) {
    uio::fs::options opts;
    opts.sources = {source};
    opts.destination = destination;
    opts.recursive = true;
    opts.preserve.mode = true;
    opts.preserve.timestamps = true;
    return opts;
}

// copy_tree(opts) without the DAC override, fds 1 and 2 captured: what they got in `printed`.
uio::fs::tree_stats tree_message_test_copy_unprivileged(const uio::fs::options& opts,
                                                        const std::string& capture_file,
                                                        std::string& printed) {
    tree_message_test_capture capture(capture_file);
    uio::testing::no_dac_override unprivileged;
    uio::fs::tree_stats done = uio::run(uio::fs::copy_tree(opts));
    printed = capture.restore();
    return done;
}

std::vector<uio::fs::tree_message> tree_message_test_of_kind(
    const std::vector<uio::fs::tree_message>& messages, uio::fs::message_kind kind) {
    std::vector<uio::fs::tree_message> found;
    for (const uio::fs::tree_message& m : messages) {
        if (m.kind == kind) found.push_back(m);
    }
    return found;
}

}  // namespace

TEST_CASE("an embedded copy_tree says an unreadable file's error through on_message only",
          "[tree_message]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directory(work / "in");
    ucopy_test::write_file(work / "in/readable.csv", "a,b\n1,2\n");
    ucopy_test::write_file(work / "in/secret.csv", "no", 0000);
    std::vector<uio::fs::tree_message> messages;
    uio::fs::options opts = tree_message_test_options(work / "in", work / "out");
    opts.on_message = [&](const uio::fs::tree_message& m) { messages.push_back(m); };

    std::string printed;
    uio::fs::tree_stats done = tree_message_test_copy_unprivileged(opts, work / "printed", printed);
    CHECK(printed.empty());
    CHECK(done.errors == 1);
    CHECK(ucopy_test::read_file(work / "out/readable.csv") == "a,b\n1,2\n");
    CHECK_FALSE(std::filesystem::exists(work / "out/secret.csv"));
    const auto errors = tree_message_test_of_kind(messages, uio::fs::message_kind::error);
    REQUIRE(errors.size() == 1);
    const uio::fs::tree_message& error = errors[0];
    CHECK(error.text ==
          "cannot open '" + (work / "in/secret.csv") + "' for reading: Permission denied");
    CHECK(error.source == work / "in/secret.csv");
    CHECK(error.destination == work / "out/secret.csv");
    CHECK(error.error_number == EACCES);

    // Without a callback the same failure is counted, and still nothing is printed.
    opts.on_message = nullptr;
    opts.destination = work / "out2";
    done = tree_message_test_copy_unprivileged(opts, work / "printed2", printed);
    CHECK(printed.empty());
    CHECK(done.errors == 1);
}

TEST_CASE("sync_tree's -v and -i lines and deletions arrive as messages", "[tree_message]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directory(work / "src");
    std::filesystem::create_directory(work / "dst");
    ucopy_test::write_file(work / "src/new.txt", "new");
    ucopy_test::write_file(work / "dst/extra.txt", "extra");
    std::vector<uio::fs::tree_message> messages;
    uio::fs::options opts = tree_message_test_options(work / "src/.", work / "dst");
    opts.verbose = true;
    opts.itemize = true;
    opts.delete_extraneous = true;
    opts.on_message = [&](const uio::fs::tree_message& m) { messages.push_back(m); };
    std::string printed;
    {
        tree_message_test_capture capture(work / "printed");
        uio::fs::tree_stats done = uio::run(uio::fs::sync_tree(opts));
        printed = capture.restore();
        CHECK(done.errors == 0);
        CHECK(done.deleted == 1);
    }
    CHECK(printed.empty());
    INFO(messages.size());

    const auto verbose = tree_message_test_of_kind(messages, uio::fs::message_kind::verbose);
    REQUIRE(verbose.size() == 1);
    CHECK(verbose[0].source == work / "src/./new.txt");
    CHECK(verbose[0].destination == work / "dst/./new.txt");  // as ucopy -v names it
    CHECK(verbose[0].text == "'" + verbose[0].source + "' -> '" + verbose[0].destination + "'");

    const auto items = tree_message_test_of_kind(messages, uio::fs::message_kind::itemized);
    bool new_file_line = false;
    for (const uio::fs::tree_message& m : items) {
        if (m.text == ">f+++++++++ new.txt") {
            new_file_line = true;
            CHECK(m.destination == work / "dst/./new.txt");
        }
    }
    CHECK(new_file_line);

    const auto deletions = tree_message_test_of_kind(messages, uio::fs::message_kind::deletion);
    REQUIRE(deletions.size() == 1);
    CHECK(deletions[0].text == "*deleting   extra.txt");
    CHECK(deletions[0].destination == work / "dst/./extra.txt");
    CHECK(deletions[0].source.empty());
    CHECK(tree_message_test_of_kind(messages, uio::fs::message_kind::error).empty());
}

TEST_CASE("check_tree's differences arrive as messages on the loop thread", "[tree_message]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directory(work / "src");
    ucopy_test::write_file(work / "src/a.txt", "same");
    ucopy_test::write_file(work / "src/b.txt", "short");
    uio::fs::options opts = tree_message_test_options(work / "src/.", work / "dst");
    opts.preserve.ownership = true;
    REQUIRE(uio::run(uio::fs::sync_tree(opts)).errors == 0);
    ucopy_test::write_file(work / "dst/b.txt", "longer now");
    ucopy_test::set_mtime(work / "dst/b.txt", 1'600'000'000, 0);
    ucopy_test::set_mtime(work / "src/b.txt", 1'600'000'000, 0);
    ucopy_test::write_file(work / "dst/stray.txt", "stray");
    ucopy_test::set_mtime(work / "src", 1'600'000'000, 0);  // the roots themselves agree
    ucopy_test::set_mtime(work / "dst", 1'600'000'000, 0);

    std::vector<uio::fs::tree_message> messages;
    std::vector<std::thread::id> threads;
    opts.on_message = [&](const uio::fs::tree_message& m) {
        messages.push_back(m);
        threads.push_back(std::this_thread::get_id());
    };
    opts.sources = {work / "src"};
    uio::fs::check_stats found;
    std::string printed;
    {
        tree_message_test_capture capture(work / "printed");
        found = uio::run(uio::fs::check_tree(opts));
        printed = capture.restore();
    }
    CHECK(printed.empty());
    CHECK(found.differences == 2);
    REQUIRE(messages.size() == 2);
    for (const std::thread::id& id : threads) CHECK(id == std::this_thread::get_id());
    // Names sorted: b.txt's size, then stray.txt.
    CHECK(messages[0].kind == uio::fs::message_kind::difference);
    CHECK(messages[0].difference == "size");
    CHECK(messages[0].source_value == "5");
    CHECK(messages[0].destination_value == "10");
    CHECK(messages[0].source == work / "src/b.txt");
    CHECK(messages[0].destination == work / "dst/b.txt");
    CHECK(messages[0].text == "size b.txt (source 5, destination 10)");
    CHECK(messages[1].difference == "only-in-destination");
    CHECK(messages[1].text == "only-in-destination stray.txt");

    // --stats=json's form of the same line, as `ucopy --check --stats=json` prints it.
    messages.clear();
    opts.stats_json = true;
    found = uio::run(uio::fs::check_tree(opts));
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].text ==
          R"({"difference":"size","path":"b.txt","source":"5","destination":"10"})");
}

TEST_CASE("check_tree says an unreadable destination directory with both paths and EACCES",
          "[tree_message]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directories(work / "src/sub");
    ucopy_test::write_file(work / "src/sub/a.txt", "a");
    uio::fs::options opts = tree_message_test_options(work / "src/.", work / "dst");
    REQUIRE(uio::run(uio::fs::sync_tree(opts)).errors == 0);
    REQUIRE(::chmod((work / "dst/sub").c_str(), 0000) == 0);

    std::vector<uio::fs::tree_message> messages;
    opts.on_message = [&](const uio::fs::tree_message& m) { messages.push_back(m); };
    opts.sources = {work / "src"};
    uio::fs::check_stats found;
    std::string printed;
    {
        tree_message_test_capture capture(work / "printed");
        // The comparison's thread is started inside check_tree: it takes these credentials.
        uio::testing::no_dac_override unprivileged;
        found = uio::run(uio::fs::check_tree(opts));
        printed = capture.restore();
    }
    REQUIRE(::chmod((work / "dst/sub").c_str(), 0755) == 0);
    CHECK(printed.empty());
    CHECK(found.errors == 1);
    const auto errors = tree_message_test_of_kind(messages, uio::fs::message_kind::error);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].text == "cannot open directory 'sub': Permission denied");  // as --check says
    CHECK(errors[0].source == work / "src/sub");
    CHECK(errors[0].destination == work / "dst/sub");
    CHECK(errors[0].error_number == EACCES);
    bool unreadable = false;
    for (const auto& m : tree_message_test_of_kind(messages, uio::fs::message_kind::difference)) {
        if (m.difference == "unreadable" && m.destination == work / "dst/sub") unreadable = true;
    }
    CHECK(unreadable);
}
