// Source files that change or vanish while ucopy copies them. The rule: a copy that differs
// from its source's final content must be reported (a message naming the file, a non-zero
// exit); nothing that differs may pass silently, with --verify least of all. The changes are
// made to land mid-copy with ucopy's test gate (copy_gate.hpp): the test waits until every
// file is open with its first chunk copied, changes the sources, then lets the copy go on.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "copy_gate.hpp"
#include "hardening_support.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

namespace fs = std::filesystem;

namespace {

bool names(const std::string& output, const std::string& path) {
    return output.find(path) != std::string::npos;
}

void append(const std::string& path, const std::string& more) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, more.data(), more.size()) == static_cast<ssize_t>(more.size()));
    ::close(fd);
}

}  // namespace

TEST_CASE("files appended, truncated or rewritten mid-copy are reported, never silently wrong") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    fs::create_directories(src);
    const std::size_t size = 16 << 20;
    for (const char* name : {"grow", "shrink", "rewrite", "vanish", "steady"}) {
        ucopy_test::write_file(src + "/" + name, harden::random_bytes(size, name[0]));
    }
    const std::string vanish_original = harden::random_bytes(size, 'v');

    ucopy_test::copy_gate gate(work / "gate");
    harden::process copy({UCOPY_TESTABLE_BINARY, "-a", "--verify", src, dst}, work / "copy.log",
                         gate.env());
    // Every file is open, its first chunk read and written, the rest held or under way.
    REQUIRE(gate.wait_for_arrivals(5).size() == 5);
    append(src + "/grow", harden::random_bytes(1 << 20, 99));
    REQUIRE(::truncate((src + "/shrink").c_str(), size / 3) == 0);
    {
        std::string other = harden::random_bytes(size, 12345);
        int fd = ::open((src + "/rewrite").c_str(), O_WRONLY);
        REQUIRE(::pwrite(fd, other.data(), other.size(), 0) == static_cast<ssize_t>(other.size()));
        ::close(fd);
    }
    fs::remove(src + "/vanish");
    gate.open();
    int status = copy.wait();
    std::string out = harden::slurp(work / "copy.log");
    INFO("exit " << status << ":\n" << out);
    CHECK(status == 1);

    for (const char* name : {"grow", "shrink", "rewrite"}) {
        const std::string s = src + "/" + name, d = dst + "/" + name;
        INFO(name);
        CHECK(names(out, s));        // a file that changed while read is named
        CHECK_FALSE(fs::exists(d));  // and its copy is not published
    }
    // A file deleted after it was opened is copied whole as it was.
    CHECK(ucopy_test::read_file(dst + "/vanish") == vanish_original);
    CHECK_FALSE(names(out, src + "/vanish"));
    CHECK(ucopy_test::read_file(dst + "/steady") == ucopy_test::read_file(src + "/steady"));
    CHECK(harden::leftovers(dst).empty());

    // Once the sources hold still, a rerun copies what changed, correctly and silently.
    fs::create_directories(src + "/later");
    ucopy_test::write_file(src + "/later/grown", harden::random_bytes(size, 'g'));
    append(src + "/later/grown", harden::random_bytes(1 << 20, 7));
    std::string rerun;
    CHECK(harden::run({UCOPY_BINARY, "-a", "--verify", src + "/.", dst}, &rerun) == 0);
    INFO(rerun);
    for (const char* name : {"grow", "shrink", "rewrite", "later/grown"}) {
        CHECK(ucopy_test::read_file(dst + "/" + name) == ucopy_test::read_file(src + "/" + name));
    }
}

TEST_CASE("files deleted during the walk are reported one by one, the rest copied whole") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    fs::create_directories(src);
    // 200 names: one batch of the walk's listing (256), so every name has been listed and
    // stat'ed before the first file is copied, and a deleted file is one the walk saw.
    const int files = 200;
    for (int i = 0; i < files; ++i) {
        ucopy_test::write_file(src + "/s" + std::to_string(i), harden::random_bytes(5000, i));
    }
    ucopy_test::copy_gate gate(work / "gate");
    harden::process copy({UCOPY_TESTABLE_BINARY, "-a", "--verify", "--queue-depth", "8", src, dst},
                         work / "copy.log", gate.env());
    REQUIRE(gate.wait_for_arrivals(1).size() >= 1);  // the copy has begun; the walk listed all
    for (int i = 0; i < files; i += 2) fs::remove(src + "/s" + std::to_string(i));
    gate.open();
    int status = copy.wait();
    std::string out = harden::slurp(work / "copy.log");
    int missing = 0, wrong = 0, unreported = 0;
    for (int i = 0; i < files; ++i) {
        const std::string s = src + "/s" + std::to_string(i), d = dst + "/s" + std::to_string(i);
        if (!fs::exists(d)) {
            ++missing;
            unreported += !names(out, s);
        } else if (ucopy_test::read_file(d) != harden::random_bytes(5000, i)) {
            ++wrong;
        }
    }
    INFO("exit " << status << ", missing " << missing << ", wrong " << wrong << ", unreported "
                 << unreported << "\n"
                 << out);
    CHECK(wrong == 0);
    CHECK(unreported == 0);
    // At most the 8 files in flight were open when the others were deleted.
    CHECK(missing >= files / 2 - 8);
    CHECK(status == 24);  // vanished files only: rsync's "some files vanished"
    CHECK(out.find("file has vanished") != std::string::npos);
    CHECK(harden::leftovers(dst).empty());
}
