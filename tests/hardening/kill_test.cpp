// kill -9 at random moments: during a tree copy with --journal, and during a CSV -> SQLite
// table load. After each kill nothing under a final name may be wrong (a file differing from
// its source; a table that is neither the old one nor the new one), and a rerun must end
// with the destination equal to the source. Kill moments are uniform over the measured
// length of an uninterrupted run (see kill_schedule); the seed is printed so a failing
// trial can be replayed.
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "hardening_support.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Sanitizer builds run ucopy several times slower: smaller inputs keep the 20 trials bounded.
#ifdef UIO_SANITIZED
constexpr int tree_files = 150, tree_big_mib = 4, table_rows = 15'000;
#else
constexpr int tree_files = 300, tree_big_mib = 8, table_rows = 60'000;
#endif

std::uint64_t seed_for(const char* what) {
    std::uint64_t seed = std::random_device{}();
    std::printf("%s: seed %llu\n", what, static_cast<unsigned long long>(seed));
    return seed;
}

// When to kill: uniform over [2 %, 85 %] of an uninterrupted run. Under ctest -j, or beside
// another build, one run's length says little about the next, so the estimate is the
// fastest of the calibration runs and shrinks by a third after every kill that came too
// late (the run had finished): the trials keep landing mid-run on a machine that speeds up.
class kill_schedule {
  public:
    kill_schedule(double run_ms, const char* what) : run_ms_(run_ms), random_(seed_for(what)) {}

    std::chrono::microseconds next() {
        std::uniform_real_distribution<double> when(0.02 * run_ms_, 0.85 * run_ms_);
        last_ms_ = when(random_);
        return std::chrono::microseconds(static_cast<long long>(last_ms_ * 1000));
    }
    void landed(bool killed) {
        if (killed) {
            ++kills_;
        } else {
            run_ms_ = std::max(1.0, run_ms_ * 2 / 3);
        }
    }
    double last_ms() const noexcept { return last_ms_; }
    int kills() const noexcept { return kills_; }

  private:
    double run_ms_;
    std::mt19937_64 random_;
    double last_ms_ = 0;
    int kills_ = 0;
};

// Starts `argv`, kills it with SIGKILL after `delay`; true if it was still running. A run
// that ended before the kill must have succeeded.
bool run_and_kill(const std::vector<std::string>& argv, std::chrono::microseconds delay,
                  const std::string& log, const std::vector<std::string>& env = {}) {
    harden::process p(argv, log, env);
    std::this_thread::sleep_for(delay);
    p.kill_now(SIGKILL);
    int status = p.wait();
    // Killed, or it had finished (a kill can reach a process that exited but is not reaped).
    INFO("status " << status << ": " << harden::slurp(log));
    CHECK((status == 128 + SIGKILL || status == 0));
    return status == 128 + SIGKILL;
}

// Every row of a table in rowid order, hashed, with the count: equal fingerprints mean equal
// tables. "absent" if there is no such table.
std::string table_fingerprint(const std::string& db_path, const std::string& table) {
    sqlite3* db = nullptr;
    if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return "cannot open";
    }
    sqlite3_stmt* stmt = nullptr;
    std::string sql = "SELECT * FROM \"" + table + "\" ORDER BY rowid";
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        out = "absent";
    } else {
        std::uint64_t rows = 0, h = 1469598103934665603ull;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            ++rows;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                const unsigned char* t = sqlite3_column_text(stmt, c);
                std::string v =
                    t ? "v" + std::string(reinterpret_cast<const char*>(t),
                                          static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)))
                      : "N";
                for (unsigned char ch : v + "\x1f") h = (h ^ ch) * 1099511628211ull;
            }
        }
        out = rc == SQLITE_DONE ? std::to_string(rows) + " rows #" + std::to_string(h)
                                : std::string("error: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

// A CSV with NULLs, empty strings, quotes, commas and newlines inside fields.
std::string make_csv(int rows, int variant) {
    std::string csv = "id,name,amount,note\n";
    for (int i = 0; i < rows; ++i) {
        csv += std::to_string(i) + ",";
        csv += i % 7 == 0 ? "\"multi\nline " + std::to_string(i) + "\""
                          : "name" + std::to_string(i * variant);
        csv += "," + std::to_string(i * 31 % 1000) + "." + std::to_string(variant);
        csv += i % 5 == 0 ? ",\n" : i % 5 == 1 ? ",\"\"\n" : ",\"a, \"\"b\"\"\"\n";
    }
    return csv;
}

}  // namespace

TEST_CASE("kill -9 at 20 random moments of a tree copy with --journal, each rerun completes") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst", journal = work / "journal.db";
    harden::build_mixed_tree(src, tree_files, tree_big_mib);
    // Slowed by the delay hook (in the test-only twin) so that kills land mid-copy; the
    // reruns are the shipped ucopy's.
    const std::vector<std::string> env = {"UCOPY_TEST_CHUNK_DELAY_MS=1"};
    auto copy_argv = [&](const char* ucopy = UCOPY_TESTABLE_BINARY) {
        return std::vector<std::string>{ucopy, "-a", "--journal", journal, src + "/.", dst};
    };

    // How long an uninterrupted copy takes here (sanitizers and load change it): the fastest
    // of three, as the first runs with cold caches.
    double full_ms = 1e12;
    std::string out;
    for (int i = 0; i < 3; ++i) {
        fs::remove_all(dst);
        fs::remove(journal);
        auto start = std::chrono::steady_clock::now();
        REQUIRE(harden::run(copy_argv(), &out, env) == 0);
        full_ms = std::min(full_ms, harden::ms_since(start));
    }
    std::printf("uninterrupted copy: %.0f ms\n", full_ms);

    kill_schedule schedule(full_ms, "tree kill");
    for (int trial = 0; trial < 20; ++trial) {
        fs::remove_all(dst);
        fs::remove(journal);
        bool killed = run_and_kill(copy_argv(), schedule.next(), work / "kill.log", env);
        schedule.landed(killed);
        INFO("trial " << trial << ": kill at " << schedule.last_ms() << " ms, hit: " << killed);
        std::vector<std::string> wrong = harden::wrong_final_files(src, dst);
        for (const auto& w : wrong) UNSCOPED_INFO("wrong under its final name: " << w);
        CHECK(wrong.empty());

        std::string rerun_out;
        int status = harden::run(copy_argv(UCOPY_BINARY), &rerun_out);
        INFO(rerun_out);
        CHECK(status == 0);
        ucopy_test::check_same_tree(src, dst);
        CHECK(harden::leftovers(dst).empty());
    }
    std::printf("tree kill: %d of 20 kills landed mid-copy\n", schedule.kills());
    CHECK(schedule.kills() >= 10);  // most kills must land mid-run, or the test proves little
}

TEST_CASE(
    "kill -9 at 20 random moments of a CSV -> SQLite replace leave the old or the new table") {
    uio::testing::temp_dir work;
    const std::string old_csv = work / "old.csv", new_csv = work / "new.csv";
    ucopy_test::write_file(old_csv, make_csv(1000, 1));
    ucopy_test::write_file(new_csv, make_csv(table_rows, 2));
    const std::string ref_db = work / "ref.db";
    auto load = [&](const std::string& csv, const std::string& db) {
        return std::vector<std::string>{UCOPY_TABLE_BINARY, csv, "sqlite:" + db + "?table=t",
                                        "--mode=replace"};
    };
    std::string out;
    REQUIRE(harden::run(load(old_csv, ref_db), &out) == 0);
    const std::string old_print = table_fingerprint(ref_db, "t");
    // The fastest of three uninterrupted loads: the first one runs with cold caches.
    double full_ms = 1e12;
    for (int i = 0; i < 3; ++i) {
        auto start = std::chrono::steady_clock::now();
        int status = harden::run(load(new_csv, ref_db), &out);
        full_ms = std::min(full_ms, harden::ms_since(start));
        INFO(out);
        REQUIRE(status == 0);
    }
    const std::string new_print = table_fingerprint(ref_db, "t");
    std::printf("uninterrupted load of %d rows: %.0f ms (%s)\n", table_rows, full_ms,
                new_print.c_str());
    REQUIRE(old_print != new_print);
    REQUIRE(new_print.rfind(std::to_string(table_rows) + " rows", 0) == 0);

    kill_schedule schedule(full_ms, "table kill");
    for (int trial = 0; trial < 20; ++trial) {
        const std::string db = work / ("t" + std::to_string(trial) + ".db");
        REQUIRE(harden::run(load(old_csv, db), &out) == 0);
        bool killed = run_and_kill(load(new_csv, db), schedule.next(), work / "kill.log");
        schedule.landed(killed);
        INFO("trial " << trial << ": kill at " << schedule.last_ms() << " ms, hit: " << killed);
        std::string after_kill = table_fingerprint(db, "t");
        CHECK((after_kill == old_print || after_kill == new_print));

        std::string rerun_out;
        int rerun = harden::run(load(new_csv, db), &rerun_out);
        INFO(rerun_out);
        CHECK(rerun == 0);
        CHECK(table_fingerprint(db, "t") == new_print);
        fs::remove(db);
    }
    std::printf("table kill: %d of 20 kills landed mid-load\n", schedule.kills());
    CHECK(schedule.kills() >= 10);  // most kills must land mid-run, or the test proves little
}

TEST_CASE("a --journal rerun over a finished copy keeps hard links (what a resume relies on)") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst", journal = work / "journal.db";
    fs::create_directories(src + "/a");
    fs::create_directories(src + "/b");
    ucopy_test::write_file(src + "/a/f", "linked\n");
    REQUIRE(::link((src + "/a/f").c_str(), (src + "/b/h").c_str()) == 0);
    const std::vector<std::string> argv = {UCOPY_BINARY, "-a",       "--journal",
                                           journal,      src + "/.", dst};
    std::string out;
    for (int run = 1; run <= 2; ++run) {
        int status = harden::run(argv, &out);
        INFO("run " << run << ": " << out);
        CHECK(status == 0);
        ucopy_test::check_same_tree(src, dst);
    }
}
