// The one blocking tree walk (fs/walker/tree_walker.hpp) on real trees: it stays inside the
// tree, reports what it cannot open, visits names in one order whatever readdir returns,
// walks two trees side by side, filters, stops when told.
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/tree_walker.hpp"

namespace {

using uio::fs::tree_visitor;
using uio::fs::walk_dir;
using uio::fs::walk_failure;
using uio::fs::walk_name;

// Records the walk as lines: "name PATH", "leave PATH", "failed MESSAGE"; descends into
// every directory unless `stop_at` names the path at which to stop.
class tree_walker_recorder final : public tree_visitor {
  public:
    std::vector<std::string> lines;
    std::string stop_at;

    step visit(const walk_dir& dir, const walk_name& name) override {
        std::string line = "name " + name.path;
        const bool two_trees = dir.fd[1] >= 0;
        if (two_trees && name.in[0] != name.in[1]) line += name.in[0] ? " (first)" : " (second)";
        lines.push_back(line);
        return name.path == stop_at ? step::stop : step::descend;
    }
    void leave(const walk_dir& dir) override { lines.push_back("leave " + dir.path); }
    void unreadable(const walk_failure& failure) override {
        lines.push_back("failed " + uio::fs::failure_message(failure, failure.path));
    }
};

void tree_walker_touch(const std::string& path) {
    std::ofstream(path) << "x";
}

// Walks the single tree at `root` with `settings`.
std::vector<std::string> tree_walker_lines(const std::string& root,
                                           const uio::fs::walk_settings& settings,
                                           const std::string& stop_at = {}) {
    uio::fs::fd_holder top{::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(top.fd >= 0);
    tree_walker_recorder recorder;
    recorder.stop_at = stop_at;
    uio::fs::tree_walker(settings, recorder).walk({top.fd, -1});
    return recorder.lines;
}

// Runs `walk` in a child process that, when this one is root, is nobody (65534): permission
// bits bind it. Returns what `walk` returned, one line each.
std::vector<std::string> tree_walker_as_nobody(
    const std::function<std::vector<std::string>()>& walk) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        if (::geteuid() == 0 &&
            (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
             ::setresuid(65534, 65534, 65534) != 0)) {
            ::_exit(3);
        }
        std::string text;
        for (const std::string& line : walk()) text += line + "\n";
        const bool written =
            ::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::_exit(written ? 0 : 4);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    std::vector<std::string> lines;
    for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1) {
        lines.push_back(text.substr(at, end - at));
    }
    return lines;
}

}  // namespace

TEST_CASE("the walker never follows a symlink out of the tree", "[tree_walker]") {
    uio::testing::temp_dir work;
    std::filesystem::create_directories(work / "tree/a");
    std::filesystem::create_directories(work / "outside");
    tree_walker_touch(work / "outside/secret");
    tree_walker_touch(work / "tree/a/x");
    std::filesystem::create_directory_symlink(work / "outside", work / "tree/link");

    // The recorder asks to descend into everything, the link included.
    const std::vector<std::string> lines = tree_walker_lines(work / "tree", {});
    CHECK(lines ==
          std::vector<std::string>{"name a", "name a/x", "leave a", "name link", "leave "});

    // A root named through its parent is opened as any directory below: not through a link.
    uio::fs::fd_holder parent{::open(work.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(parent.fd >= 0);
    tree_walker_recorder recorder;
    uio::fs::tree_walker({}, recorder).walk_below({parent.fd, -1}, {"tree/link", ""}, "link");
    REQUIRE(recorder.lines.size() == 1);
    CHECK(recorder.lines[0].rfind("failed cannot open directory 'link': ", 0) == 0);
}

TEST_CASE("an unreadable directory is reported with its path and errno text, and the walk goes on",
          "[tree_walker]") {
    uio::testing::temp_dir work;
    ::chmod(work.path().c_str(), 0755);  // nobody may enter the test's directory
    std::filesystem::create_directories(work / "tree/locked/inside");
    std::filesystem::create_directories(work / "tree/open");
    tree_walker_touch(work / "tree/open/file");
    ::chmod((work / "tree").c_str(), 0755);
    ::chmod((work / "tree/open").c_str(), 0755);
    REQUIRE(::chmod((work / "tree/locked").c_str(), 0) == 0);

    const std::string root = work / "tree";
    const std::vector<std::string> lines =
        tree_walker_as_nobody([&] { return tree_walker_lines(root, {}); });
    CHECK(lines == std::vector<std::string>{
                       "name locked", "failed cannot open directory 'locked': Permission denied",
                       "name open", "name open/file", "leave open", "leave "});
    ::chmod((work / "tree/locked").c_str(), 0700);
}

TEST_CASE("names come in bytewise order, depth first, whatever order readdir gives",
          "[tree_walker]") {
    uio::testing::temp_dir work;
    const std::string root = work / "tree";
    std::filesystem::create_directory(root);
    // Made in an order neither sorted nor reversed; bytewise, 'B' < '_' < 'a' < 0xc3.
    for (const char* name : {"b", "\xc3\xa9", "a", "B", "a-b", "_"})
        tree_walker_touch(root + "/" + name);
    std::filesystem::create_directory(root + "/dir");
    for (const char* name : {"z", "m", "c"}) tree_walker_touch(root + "/dir/" + name);

    const std::vector<std::string> expected{
        "name B",     "name _",     "name a",     "name a-b",  "name b",        "name dir",
        "name dir/c", "name dir/m", "name dir/z", "leave dir", "name \xc3\xa9", "leave "};
    CHECK(tree_walker_lines(root, {}) == expected);
    CHECK(tree_walker_lines(root, {}) == expected);  // and again

    // Unsorted, the same names come (in readdir's order).
    uio::fs::walk_settings unsorted;
    unsorted.sorted = false;
    unsorted.stat = false;
    std::vector<std::string> any = tree_walker_lines(root, unsorted);
    std::vector<std::string> sorted_any = any, sorted_expected = expected;
    std::sort(sorted_any.begin(), sorted_any.end());
    std::sort(sorted_expected.begin(), sorted_expected.end());
    CHECK(sorted_any == sorted_expected);
}

TEST_CASE("two trees walked side by side: every name once, with the trees that hold it",
          "[tree_walker]") {
    uio::testing::temp_dir work;
    for (const char* dir : {"one/both", "two/both", "one/only-one-dir"}) {
        std::filesystem::create_directories(work / dir);
    }
    for (const char* file : {"one/a", "two/b", "one/c", "two/c", "one/both/x", "two/both/y"}) {
        tree_walker_touch(work / file);
    }
    uio::fs::fd_holder one{::open((work / "one").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    uio::fs::fd_holder two{::open((work / "two").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE((one.fd >= 0 && two.fd >= 0));
    uio::fs::walk_settings both;
    both.second_tree = true;
    both.list_second = true;
    tree_walker_recorder recorder;
    uio::fs::tree_walker(both, recorder).walk({one.fd, two.fd});
    // A directory held by one tree only is not walked.
    CHECK(recorder.lines == std::vector<std::string>{"name a (first)", "name b (second)",
                                                     "name both", "name both/x (first)",
                                                     "name both/y (second)", "leave both", "name c",
                                                     "name only-one-dir (first)", "leave "});
}

TEST_CASE("filters keep names from the walk, and a stop ends it", "[tree_walker]") {
    uio::testing::temp_dir work;
    const std::string root = work / "tree";
    std::filesystem::create_directories(root + "/skipped");
    std::filesystem::create_directories(root + "/kept");
    for (const char* file : {"/skipped/f", "/kept/f", "/kept/g", "/notes.tmp", "/z"}) {
        tree_walker_touch(root + file);
    }
    uio::fs::filter_rules rules;
    rules.add_rule("- skipped/");
    rules.add_rule("- *.tmp");
    uio::fs::walk_settings filtered;
    filtered.filters = &rules;
    CHECK(tree_walker_lines(root, filtered) == std::vector<std::string>{"name kept", "name kept/f",
                                                                        "name kept/g", "leave kept",
                                                                        "name z", "leave "});
    // Stopped below `kept`: no more names, and no directory is left after the stop.
    CHECK(tree_walker_lines(root, filtered, "kept/f") ==
          std::vector<std::string>{"name kept", "name kept/f"});
}
