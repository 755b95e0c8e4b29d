// Destinations as cp treats them, through the real ucopy binary: a symlink is written through
// (its target replaced, the link kept), a device, FIFO or descriptor is written in place and
// never replaced, "-" is standard output (and standard input as a source); messages name
// the user's path, never the hidden temporary; a rerun removes what a killed export left.
// Every run that writes to "standard output" is a child whose stdout is a pipe or file of
// the test's own, never the test runner's.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "etl_test_support.hpp"
#include "spawn_logged.hpp"
#include "uio/uring/temp_name.hpp"

extern char** environ;
namespace fs = std::filesystem;

namespace {

using run_result = uio::testing::command_result;
std::string quoted(const std::string& word) {
    return uio::testing::shell_quote(word);
}

std::string ucopy_command(const std::vector<std::string>& args) {
    std::string command = quoted(UCOPY_BINARY) + " --no-progress";
    for (const std::string& a : args) command += " " + quoted(a);
    return command;
}

run_result sh(const std::string& command) {
    return uio::testing::run_shell(command);
}

// A table of `rows` rows (id, name) in a new SQLite file; returns its endpoint.
std::string sales_table(const fs::path& dir, int rows) {
    const std::string db = dir / "shop.db";
    uio::testing::sqlite_exec(db,
                              "CREATE TABLE sales(id INTEGER, name TEXT);"
                              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                              "LIMIT " +
                                  std::to_string(rows) +
                                  ") INSERT INTO sales SELECT x, 'item ' || x FROM c;");
    return "sqlite:" + db + "?table=sales";
}

std::string expected_csv(int rows) {
    std::string out = "id,name\n";
    for (int i = 1; i <= rows; ++i) out += std::to_string(i) + ",item " + std::to_string(i) + "\n";
    return out;
}

bool is_type(const std::string& path, mode_t type) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && (st.st_mode & S_IFMT) == type;
}

std::vector<std::string> temporaries(const std::string& dir) {
    std::vector<std::string> out;
    for (const std::string& name : uio::testing::list_dir(dir)) {
        if (uio::is_temp_name(name)) out.push_back(name);
    }
    return out;
}

// A ucopy started without a shell, so that a signal lands on it; stdout and stderr go to
// `log`, stdin is /dev/null.
class child {
  public:
    child(const std::vector<std::string>& args, const std::string& log) {
        std::vector<std::string> words{UCOPY_BINARY, "--no-progress"};
        words.insert(words.end(), args.begin(), args.end());
        pid_ = uio::testing::spawn_logged(words, log);
        REQUIRE(pid_ > 0);
    }
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    ~child() {
        if (status_ < 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    pid_t pid() const { return pid_; }
    int wait() {
        int status = 0;
        while (status_ < 0 && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        if (status_ < 0) status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
    }

  private:
    pid_t pid_ = -1;
    int status_ = -1;
};

// Waits (up to a minute) until `dir` holds a temporary; false if none came.
bool wait_for_temporary(const std::string& dir) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (temporaries(dir).empty()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace

TEST_CASE("a symlink named as destination is written through: its target replaced, the link kept") {
    uio::testing::temp_dir dir;
    const std::string source = sales_table(dir.path(), 3);
    fs::create_directory(dir / "data");
    uio::testing::write_file(dir / "data/target.csv", "yesterday\n");
    fs::create_symlink("data/target.csv", dir / "link.csv");  // relative to the link's directory
    fs::create_symlink("link.csv", dir / "link2.csv");        // and a link to a link

    run_result r = sh(ucopy_command({source, dir / "link2.csv"}) + " 2>&1");
    CHECK(r.status == 0);
    CHECK(r.output.empty());
    CHECK(is_type(dir / "link.csv", S_IFLNK));
    CHECK(is_type(dir / "link2.csv", S_IFLNK));
    CHECK(fs::read_symlink(dir / "link.csv") == "data/target.csv");
    CHECK(uio::testing::read_file(dir / "data/target.csv") == expected_csv(3));
    // The temporary went beside the target, and went away.
    CHECK(uio::testing::list_dir(dir / "data") == std::vector<std::string>{"target.csv"});

    SECTION("a dangling symlink is refused, as cp refuses it") {
        fs::create_symlink("nowhere/missing.csv", dir / "dangling.csv");
        run_result d = sh(ucopy_command({source, dir / "dangling.csv"}) + " 2>&1");
        CHECK(d.status == 1);
        CHECK_THAT(d.output, Catch::Contains("not writing through dangling symlink '" +
                                             std::string(dir / "dangling.csv") + "'"));
        CHECK(is_type(dir / "dangling.csv", S_IFLNK));
    }
    SECTION("a directory is refused, named as given") {
        fs::create_directory(dir / "adir");
        run_result d = sh(ucopy_command({source, dir / "adir", "--format", "csv"}) + " 2>&1");
        CHECK(d.status == 1);
        CHECK_THAT(d.output, Catch::Contains("cannot write '" + std::string(dir / "adir") +
                                             "': Is a directory"));
        CHECK(uio::testing::list_dir(dir / "adir").empty());
    }
}

TEST_CASE(
    "'-' is standard output, '/dev/stdout' and a link to /proc/self/fd/1 are that descriptor") {
    uio::testing::temp_dir dir;
    const std::string source = sales_table(dir.path(), 500);

    run_result dash = sh(ucopy_command({source, "-", "--format", "csv"}));
    CHECK(dash.status == 0);
    CHECK(dash.output == expected_csv(500));

    // A symlink in the test's own directory to the descriptor: the child's stdout (a pipe).
    fs::create_symlink("/proc/self/fd/1", dir / "out.csv");
    run_result link = sh(ucopy_command({source, dir / "out.csv"}));
    CHECK(link.status == 0);
    CHECK(link.output == expected_csv(500));
    CHECK(fs::read_symlink(dir / "out.csv") == "/proc/self/fd/1");

    // stdout a regular file opened for appending: the descriptor is written, at its end, not
    // a fresh file put in its place.
    const std::string file = dir / "appended.csv";
    uio::testing::write_file(file, "before\n");
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    const ino_t inode = st.st_ino;
    run_result dev = sh(ucopy_command({source, "/dev/stdout", "--format", "jsonl"}) + " >> " +
                        quoted(file) + " && echo after >> " + quoted(file));
    CHECK(dev.status == 0);
    std::string jsonl = uio::testing::read_file(file);
    CHECK(jsonl.rfind("before\n{\"id\":1,\"name\":\"item 1\"}\n", 0) == 0);
    CHECK(jsonl.ends_with("{\"id\":500,\"name\":\"item 500\"}\nafter\n"));
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK(st.st_ino == inode);

    SECTION("compressed, into a pipe") {
        run_result z = sh(ucopy_command({source, "-", "--format", "csv", "--compress", "gzip"}) +
                          " | gzip -dc");
        CHECK(z.status == 0);
        CHECK(z.output == expected_csv(500));
    }
    SECTION("without --format, '-' is a usage error") {
        run_result u = sh(ucopy_command({source, "-"}) + " 2>&1");
        CHECK(u.status == 2);
        CHECK_THAT(u.output, Catch::Contains("'-' (standard input or output) needs --format"));
    }
}

TEST_CASE("'-' as a source is standard input: a pipe, or a redirected file") {
    uio::testing::temp_dir dir;
    const std::string db = std::string(dir / "x.db");
    run_result piped =
        sh("printf 'id,name\\n1,a\\n2,\\n3,\"c, d\"\\n' | " +
           ucopy_command({"-", "sqlite:" + db + "?table=t", "--format", "csv"}) + " 2>&1");
    CHECK(piped.status == 0);
    CHECK(piped.output.empty());
    CHECK(uio::testing::sqlite_column(db, "SELECT id || ':' || quote(name) FROM t ORDER BY id") ==
          "1:'a'|2:NULL|3:'c, d'");

    uio::testing::write_file(dir / "more.jsonl", "{\"id\": 4, \"name\": \"e\"}\n");
    run_result redirected =
        sh(ucopy_command({"-", "sqlite:" + db + "?table=t", "--format", "jsonl"}) + " < " +
           quoted(dir / "more.jsonl") + " 2>&1");
    CHECK(redirected.status == 0);
    CHECK(uio::testing::sqlite_column(db, "SELECT count(*) FROM t") == "4");

    // A bad row names the input as the user gave it.
    run_result bad =
        sh("printf 'id,name\\n1\\n' | " +
           ucopy_command({"-", "sqlite:" + db + "?table=u", "--format", "csv"}) + " 2>&1");
    CHECK(bad.status == 1);
    CHECK_THAT(bad.output, Catch::Contains("-:2:"));
}

TEST_CASE("a FIFO is opened and written, never replaced") {
    uio::testing::temp_dir dir;
    const std::string source = sales_table(dir.path(), 20000);
    const std::string fifo = dir / "pipe.csv";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    child writer({source, fifo}, dir / "log");
    // The test reads the FIFO (the writer's open waits for this reader).
    int fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    std::string got;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        REQUIRE(n >= 0);
        if (n == 0) break;
        got.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    CHECK(writer.wait() == 0);
    CHECK(uio::testing::read_file(dir / "log").empty());
    CHECK(got == expected_csv(20000));
    CHECK(is_type(fifo, S_IFIFO));
    CHECK(temporaries(dir.path()).empty());
}

TEST_CASE("a character device is written in place: a null device of the test's own, /dev/null") {
    uio::testing::temp_dir dir;
    const std::string source = sales_table(dir.path(), 100);
    if (::geteuid() == 0) {
        // First a null device in the test's directory, so that a regression replaces that,
        // not the machine's /dev/null.
        const std::string null = dir / "null.csv";
        REQUIRE(::mknod(null.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0);
        run_result own = sh(ucopy_command({source, null}) + " 2>&1");
        CHECK(own.status == 0);
        REQUIRE(is_type(null, S_IFCHR));
        CHECK(temporaries(dir.path()).empty());
    }
    struct stat before {};
    REQUIRE(::stat("/dev/null", &before) == 0);
    REQUIRE(S_ISCHR(before.st_mode));
    run_result r = sh(ucopy_command({source, "/dev/null", "--format", "csv"}) + " 2>&1");
    CHECK(r.status == 0);
    CHECK(r.output.empty());
    struct stat after {};
    REQUIRE(::stat("/dev/null", &after) == 0);
    CHECK(S_ISCHR(after.st_mode));
    CHECK(after.st_ino == before.st_ino);
    CHECK(after.st_rdev == before.st_rdev);
}

TEST_CASE("messages name the destination as given, never the hidden temporary") {
    uio::testing::temp_dir dir;
    const std::string source = sales_table(dir.path(), 10);
    const std::string missing = dir / "no/such/out.csv";
    run_result r = sh(ucopy_command({source, missing}) + " 2>&1");
    CHECK(r.status == 1);
    CHECK_THAT(r.output,
               Catch::Contains("cannot write '" + missing + "': No such file or directory"));
    CHECK_THAT(r.output, !Catch::Contains(".ucopy-"));

    SECTION("a directory the user cannot write") {
        fs::create_directory(dir / "ro");
        ::chmod((dir / "ro").c_str(), 0555);
        ::chmod(dir.path().c_str(), 0755);
        std::string as_user;
        if (::geteuid() == 0) {
            // root writes anywhere: run as nobody (the database, too, must be readable).
            if (::access("/usr/bin/setpriv", X_OK) != 0) uio::testing::skip("needs setpriv");
            ::chmod((dir / "shop.db").c_str(), 0644);
            as_user = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ";
        }
        const std::string out = dir / "ro/out.csv";
        run_result denied = sh(as_user + ucopy_command({source, out}) + " 2>&1");
        if (denied.output.find("shop.db") != std::string::npos) {
            uio::testing::skip("nobody cannot read the test's directory: " + denied.output);
        }
        CHECK(denied.status == 1);
        CHECK_THAT(denied.output, Catch::Contains("cannot write '" + out + "': Permission denied"));
        CHECK_THAT(denied.output, !Catch::Contains(".ucopy-"));
        ::chmod((dir / "ro").c_str(), 0755);
    }
    SECTION("a full file system") {
        if (::geteuid() != 0 || ::access("/usr/bin/unshare", X_OK) != 0) {
            uio::testing::skip("needs root and unshare to mount a small tmpfs");
        }
        fs::create_directory(dir / "small");
        const std::string out = dir / "small/out.csv";
        const std::string db = std::string(dir / "shop.db");
        uio::testing::sqlite_exec(db,
                                  "CREATE TABLE wide AS WITH RECURSIVE c(x) AS (SELECT 1 UNION "
                                  "ALL SELECT x + 1 FROM c LIMIT 20000) SELECT x, "
                                  "printf('%0100d', x) AS padding FROM c;");
        run_result full =
            sh("unshare -m sh -c " +
               quoted("mount -t tmpfs -o size=1m none " + quoted(dir / "small") + " || exit 99; " +
                      ucopy_command({"sqlite:" + db + "?table=wide", out}) +
                      "; echo status $?; ls -a " + quoted(dir / "small")) +
               " 2>&1");
        if (full.status == 99) uio::testing::skip("cannot mount tmpfs here: " + full.output);
        CHECK_THAT(full.output, Catch::Contains("write '" + out + "': No space left on device"));
        CHECK_THAT(full.output, Catch::Contains("status 1"));
        CHECK_THAT(full.output, !Catch::Contains(".ucopy-"));  // neither said nor left (ls -a)
        CHECK_THAT(full.output, !Catch::Contains("out.csv\n"));
    }
}

TEST_CASE("a rerun removes the temporary a killed export left") {
    const int signal = SIGKILL;  // SIGTERM and SIGINT remove it themselves (below)
    uio::testing::temp_dir dir;
    const std::string db = std::string(dir / "shop.db");
    const std::string source = sales_table(dir.path(), 5);
    fs::create_directory(dir / "out");
    const std::string out = dir / "out/sales.csv";
    // Rows without end: the export is running, its temporary there, when the signal lands.
    const std::string endless = "sqlite:" + db +
                                "?query=WITH%20RECURSIVE%20c(x)%20AS%20(SELECT%201%20UNION%20ALL"
                                "%20SELECT%20x%2B1%20FROM%20c)%20SELECT%20x%20FROM%20c";
    {
        child run({endless, out, "--format", "csv"}, dir / "log");
        REQUIRE(wait_for_temporary(dir / "out"));
        REQUIRE(::kill(run.pid(), signal) == 0);
        CHECK(run.wait() == 128 + signal);
    }
    REQUIRE(temporaries(dir / "out").size() == 1);  // what the killed run left
    CHECK_FALSE(fs::exists(out));

    // A temporary whose writer still runs is not touched.
    const std::string alive = std::string(dir / "out") + "/.ucopy-" + [] {
        char hex[32];
        std::snprintf(hex, sizeof hex, "%x", ::getpid());
        return std::string(hex);
    }() + "-ffff.tmp";
    uio::testing::write_file(alive, "still being written\n");

    run_result rerun = sh(ucopy_command({source, out}) + " 2>&1");
    CHECK(rerun.status == 0);
    CHECK(uio::testing::read_file(out) == expected_csv(5));
    std::vector<std::string> left = uio::testing::list_dir(dir / "out");
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{fs::path(alive).filename().string(), "sales.csv"});
}

// SIGTERM and SIGINT (a kill, a Ctrl-C) end an export as they would without a handler
// (128 + the signal), having removed its temporary (uring/signal_cleanup.hpp).
TEST_CASE("an export ended by SIGTERM or SIGINT removes its temporary") {
    const int signal = GENERATE(SIGTERM, SIGINT);
    INFO("signal " << signal);
    uio::testing::temp_dir dir;
    const std::string db = std::string(dir / "shop.db");
    (void)sales_table(dir.path(), 1);  // creates the database
    fs::create_directory(dir / "out");
    const std::string out = dir / "out/sales.csv";
    // Rows without end: the export is running, its temporary there, when the signal lands.
    const std::string endless = "sqlite:" + db +
                                "?query=WITH%20RECURSIVE%20c(x)%20AS%20(SELECT%201%20UNION%20ALL"
                                "%20SELECT%20x%2B1%20FROM%20c)%20SELECT%20x%20FROM%20c";
    child run({endless, out, "--format", "csv"}, dir / "log");
    REQUIRE(wait_for_temporary(dir / "out"));
    REQUIRE(::kill(run.pid(), signal) == 0);
    CHECK(run.wait() == 128 + signal);
    CHECK(uio::testing::list_dir(dir / "out").empty());  // no temporary, no half file
}
