// Attacks on what ucopy must never do: print a password, follow a symlink out of the source
// tree, write through a symlink planted in the destination, or let others read a file
// before its mode is set.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "copy_gate.hpp"
#include "hardening_support.hpp"
#include "pg_test_support.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool is_symlink_to(const std::string& path, const std::string& target) {
    std::error_code ec;
    return fs::is_symlink(fs::symlink_status(path, ec)) && fs::read_symlink(path, ec) == target;
}

}  // namespace

TEST_CASE(
    "passwords in URIs appear in no message: bad host, wrong password, unknown table, bad query") {
    uio::testing::private_cluster cluster("sec");
    // A role that needs a password, so that a wrong one is refused (the cluster trusts the rest).
    cluster.psql("create role harden_pw login password 'ok-s3cretPW0'");
    cluster.psql("grant all on schema public to harden_pw");
    std::string hba = cluster.psql("show hba_file");
    while (!hba.empty() && hba.back() == '\n') hba.pop_back();
    uio::testing::command_output("sed -i '1i local all harden_pw scram-sha-256' '" + hba + "'");
    cluster.psql("select pg_reload_conf()");
    cluster.psql("create table present (a int)");
    // The reload takes effect in the background: wait until a wrong password is refused.
    const std::string probe =
        "PGPASSWORD=wrong " + cluster.psql_command("select 1", "-U harden_pw");
    bool refused = false;
    for (int i = 0; i < 6000 && !refused; ++i) {
        refused = uio::testing::command_output(probe).find("password authentication failed") !=
                  std::string::npos;
        if (!refused) std::this_thread::sleep_for(10ms);
    }
    REQUIRE(refused);

    uio::testing::temp_dir work;
    ucopy_test::write_file(work / "in.csv", "a\n1\n");
    const std::string host = "host=" + cluster.socket_dir() + "&port=" + cluster.port();
    const std::string secret = "s3cretPW";  // every case's password starts with it
    struct attempt {
        std::string name, source, destination;
    };
    const std::vector<attempt> attempts = {
        {"bad host (refused)", "postgresql://u:s3cretPW1@127.0.0.1:1/db?table=t", work / "o1.csv"},
        {"bad host (unix)", "postgresql://u:s3cretPW2@/db?host=/nonexistent&table=t",
         work / "o2.csv"},
        {"wrong password", "postgresql://harden_pw:s3cretPW3@/uio_test?" + host + "&table=present",
         work / "o3.csv"},
        {"wrong password, as a parameter",
         "postgresql:///uio_test?user=harden_pw&password=s3cretPW4&" + host + "&table=present",
         work / "o4.csv"},
        {"unknown table", "postgresql://harden_pw:ok-s3cretPW0@/uio_test?" + host + "&table=absent",
         work / "o5.csv"},
        {"bad query",
         "postgresql:///uio_test?user=harden_pw&password=ok-s3cretPW0&" + host +
             "&query=selec%20oops%20from",
         work / "o6.csv"},
        {"load into a bad table name", work / "in.csv",
         "postgresql://harden_pw:ok-s3cretPW0@/uio_test?" + host + "&table=present&x=%00"},
        {"malformed URI", "postgresql://u:s3cretPW8@/db?table=a&table=b", work / "o8.csv"},
        // libpq reads a user-info password up to the '@', '?' included (found by fuzzing).
        {"password holding '?'", "postgresql://u:s3cretPW?10@127.0.0.1:1/db?table=t",
         work / "o10.csv"},
        {"dry run", "postgresql://harden_pw:ok-s3cretPW0@/uio_test?" + host + "&table=present",
         work / "o9.csv"},
    };
    int failures = 0;
    std::vector<std::string> binaries = {UCOPY_TABLE_BINARY};
    if (binaries[0] != UCOPY_BINARY) binaries.push_back(UCOPY_BINARY);  // both while both exist
    for (const std::string& binary : binaries) {
        for (const attempt& a : attempts) {
            std::vector<std::string> argv = {binary, a.source, a.destination};
            if (a.name == "dry run") argv.push_back("--dry-run");
            std::string out;
            int status = harden::run(argv, &out);
            INFO(binary << ", " << a.name << ": exit " << status << "\n" << out);
            CHECK(out.find(secret) == std::string::npos);
            if (a.name != "dry run") CHECK_FALSE(out.empty());  // an error was printed
            if (binary == UCOPY_TABLE_BINARY && a.name != "dry run") {
                CHECK(status != 0);
                failures += status != 0;
            }
        }
    }
    CHECK(failures == static_cast<int>(attempts.size()) - 1);
}

TEST_CASE("symlinks out of the source tree are copied as links, never followed without -L") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", outside = work / "outside";
    fs::create_directories(src);
    fs::create_directories(outside);
    ucopy_test::write_file(outside + "/secret.txt", "outside the tree\n");
    // A FIFO outside the tree: opening it to read would block, so following it hangs.
    REQUIRE(::mkfifo((outside + "/trap").c_str(), 0644) == 0);
    ::symlink("/etc", (src + "/etc-link").c_str());
    ::symlink("/etc/passwd", (src + "/passwd-link").c_str());
    ::symlink(outside.c_str(), (src + "/outside-dir").c_str());
    ::symlink((outside + "/trap").c_str(), (src + "/trap-link").c_str());
    ::symlink("../outside/secret.txt", (src + "/relative-escape").c_str());
    ucopy_test::write_file(src + "/inside.txt", "inside\n");

    for (const char* flags : {"-r", "-a", "-rP"}) {
        const std::string dst = work / ("dst" + std::string(flags));
        harden::process p({UCOPY_BINARY, flags, src, dst}, work / "log");
        // A minute: far beyond any copy of this tree, loaded or not; only a hang takes it.
        bool hung = !p.wait_for(60s);
        if (hung) p.kill_now(SIGKILL);
        int status = p.wait();
        INFO(flags << ": exit " << status << "\n" << harden::slurp(work / "log"));
        CHECK_FALSE(hung);  // it would hang only if it opened the FIFO behind trap-link
        CHECK(status == 0);
        const std::string out = dst;
        CHECK(is_symlink_to(out + "/etc-link", "/etc"));
        CHECK(is_symlink_to(out + "/passwd-link", "/etc/passwd"));
        CHECK(is_symlink_to(out + "/outside-dir", outside));
        CHECK(is_symlink_to(out + "/trap-link", outside + "/trap"));
        CHECK(is_symlink_to(out + "/relative-escape", "../outside/secret.txt"));
        CHECK(ucopy_test::read_file(out + "/inside.txt") == "inside\n");
    }
    // With -L the same links are followed (the FIFO aside): proof the test can tell.
    fs::remove(src + "/trap-link");
    fs::remove(src + "/etc-link");
    std::string out;
    REQUIRE(harden::run({UCOPY_BINARY, "-rL", src, work / "dstL"}, &out) == 0);
    CHECK(ucopy_test::read_file(work / "dstL/outside-dir/secret.txt") == "outside the tree\n");
    CHECK_FALSE(fs::is_symlink(work / "dstL/passwd-link"));
}

TEST_CASE("a symlink planted in the destination is replaced, never written through") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst", outside = work / "outside";
    fs::create_directories(src);
    fs::create_directories(dst + "/src");
    fs::create_directories(outside);
    for (int i = 0; i < 20; ++i) {
        ucopy_test::write_file(src + "/f" + std::to_string(i), "new content " + std::to_string(i));
        ucopy_test::write_file(outside + "/victim" + std::to_string(i), "victim");
        // At the final name: a symlink to a file outside, and (odd ones) a dangling one.
        std::string target = i % 2 ? outside + "/absent" + std::to_string(i)
                                   : outside + "/victim" + std::to_string(i);
        ::symlink(target.c_str(), (dst + "/src/f" + std::to_string(i)).c_str());
    }
    for (const char* flags : {"-r", "-a"}) {
        std::string out;
        int status = harden::run({UCOPY_BINARY, flags, src, dst}, &out);
        INFO(flags << ": " << out);
        CHECK(status == 0);
        for (int i = 0; i < 20; ++i) {
            const std::string f = dst + "/src/f" + std::to_string(i);
            CHECK(ucopy_test::read_file(outside + "/victim" + std::to_string(i)) == "victim");
            CHECK_FALSE(fs::exists(outside + "/absent" + std::to_string(i)));
            CHECK_FALSE(fs::is_symlink(f));
            CHECK(ucopy_test::read_file(f) == "new content " + std::to_string(i));
        }
    }
}

TEST_CASE("symlinks planted at ucopy's temporary names while it runs are not followed") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst", outside = work / "outside";
    fs::create_directories(src);
    fs::create_directories(dst + "/src");
    fs::create_directories(outside);
    for (int i = 0; i < 40; ++i) {
        ucopy_test::write_file(src + "/f" + std::to_string(i), harden::random_bytes(300'000, i));
    }
    harden::process p({UCOPY_TESTABLE_BINARY, "-r", src, dst}, work / "log",
                      {"UCOPY_TEST_CHUNK_DELAY_MS=20"});
    // Temporary names are .ucopy-<pid>-<n>.tmp: plant them all as links to files outside.
    int planted = 0;
    for (int n = 0; n < 400; ++n) {
        std::string name =
            dst + "/src/.ucopy-" + std::to_string(p.pid()) + "-" + std::to_string(n) + ".tmp";
        std::string victim = outside + "/v" + std::to_string(n);
        planted += ::symlink(victim.c_str(), name.c_str()) == 0;
    }
    int status = p.wait();
    std::string out = harden::slurp(work / "log");
    INFO("exit " << status << ", links planted " << planted << "\n" << out);
    CHECK(status < 128);
    CHECK(fs::is_empty(outside));  // nothing was created or written through a link
    for (int i = 0; i < 40; ++i) {
        const std::string f = dst + "/src/f" + std::to_string(i);
        if (fs::exists(f)) CHECK(ucopy_test::read_file(f) == harden::random_bytes(300'000, i));
    }
}

TEST_CASE("files being written are owner-only until their mode is set") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    fs::create_directories(src);
    fs::create_directories(dst);
    for (int i = 0; i < 4; ++i) {
        ucopy_test::write_file(src + "/public" + std::to_string(i),
                               harden::random_bytes(8 << 20, i), 0644);
    }
    // Merging into an existing directory: each file is written under a temporary name. The
    // gate holds all four mid-copy (their first chunk written) while the modes are looked at.
    ucopy_test::copy_gate gate(work / "gate");
    harden::process p({UCOPY_TESTABLE_BINARY, "-a", src + "/.", dst}, work / "log", gate.env());
    REQUIRE(gate.wait_for_arrivals(4).size() == 4);
    std::vector<std::string> temps;
    for (auto& e : fs::directory_iterator(dst)) {
        std::string name = e.path().filename().string();
        if (name.rfind(".ucopy-", 0) != 0) continue;
        struct stat st {};
        REQUIRE(::lstat(e.path().c_str(), &st) == 0);
        temps.push_back(name);
        INFO(name << " mode " << std::oct << (st.st_mode & 07777));
        CHECK((st.st_mode & 077) == 0);
    }
    gate.open();
    CHECK(temps.size() == 4);
    CHECK(p.wait() == 0);
    for (int i = 0; i < 4; ++i) {
        struct stat st {};
        REQUIRE(::stat((dst + "/public" + std::to_string(i)).c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0644);
    }
}

TEST_CASE("a new directory being filled is not readable by others until published") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", out = work / "out";
    fs::create_directories(src + "/sub");
    fs::create_directories(out);
    for (int i = 0; i < 4; ++i) {
        ucopy_test::write_file(src + "/sub/f" + std::to_string(i), harden::random_bytes(8 << 20, i),
                               0644);
    }
    ucopy_test::copy_gate gate(work / "gate");
    harden::process p({UCOPY_TESTABLE_BINARY, "-a", src, out}, work / "log", gate.env());
    REQUIRE(gate.wait_for_arrivals(4).size() == 4);
    // Every file in the tree under construction must be unreachable or unreadable by others.
    int inspected = 0;
    for (auto& e : fs::recursive_directory_iterator(out)) {
        if (!e.is_regular_file() || e.is_symlink()) continue;
        ++inspected;
        bool shielded = false;
        for (fs::path dir = e.path().parent_path(); dir != fs::path(out); dir = dir.parent_path()) {
            struct stat st {};
            ::stat(dir.c_str(), &st);
            if ((st.st_mode & 07) == 0) shielded = true;  // others cannot enter it
        }
        struct stat st {};
        ::lstat(e.path().c_str(), &st);
        INFO(e.path().string() << " mode " << std::oct << (st.st_mode & 07777));
        CHECK((shielded || (st.st_mode & 077) == 0));
    }
    gate.open();
    CHECK(inspected == 4);
    CHECK(p.wait() == 0);
}
