// ucopy --shard end to end: N shards started apart (plain processes, then Open MPI's
// mpirun) together copy the whole tree — large files split into ranges, sparse files,
// links — and --check proves the union; a shard killed mid-copy and rerun with its journal
// completes it. Shards balance bytes: no shard copies much more than another, also when
// most of the bytes are one hard-linked file. The edges: --shard-plan alone, a launcher's
// rank without its size, two launchers that disagree.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "copy_gate.hpp"
#include "test_support.hpp"
#include "ucopy_harness.hpp"

using namespace ucopy_test;
namespace fs = std::filesystem;

namespace {

// build_full_tree plus what sharding must get right: a file larger than a shard (split into
// ranges), a large sparse file, and many small files over several directories.
void build_shard_tree(const std::string& root) {
    build_full_tree(root);
    std::mt19937_64 random(17);
    std::string big(24 << 20, '\0');
    for (char& c : big) c = static_cast<char>(random());
    write_file(root + "/big", big);
    {
        std::ofstream sparse(root + "/sparse", std::ios::binary);
        sparse.seekp(40 << 20);
        sparse.write(big.data(), 9 << 20);
        sparse.seekp(80 << 20);
        sparse.write("end", 3);
    }
    for (int d = 0; d < 4; ++d) {
        fs::create_directories(root + "/many/d" + std::to_string(d));
        for (int i = 0; i < 40; ++i) {
            write_file(root + "/many/d" + std::to_string(d) + "/f" + std::to_string(i),
                       big.substr(static_cast<std::size_t>(i) * 1000, 3000 + i * 500));
        }
    }
}

std::string check_command(const std::string& src, const std::string& dst) {
    return ucopy_binary() + " --check --checksum " + q(src) + " " + q(dst);
}

// ucopy with no launcher's variables in its environment but `env`.
std::string without_launcher(const std::string& env) {
    return "env -u OMPI_COMM_WORLD_RANK -u OMPI_COMM_WORLD_SIZE -u PMI_RANK -u PMI_SIZE "
           "-u SLURM_PROCID -u SLURM_NTASKS " +
           env + " " + ucopy_binary();
}

// What made every cut collapse to one shard: a large file with a second name, first in walk
// order, and many small files after it.
void build_linked_tree(const std::string& root) {
    std::mt19937_64 random(29);
    std::string big(24 << 20, '\0');
    for (char& c : big) c = static_cast<char>(random());
    fs::create_directories(root + "/z");
    write_file(root + "/big", big);
    fs::create_hard_link(root + "/big", root + "/z/big-again");
    for (int d = 0; d < 10; ++d) {
        fs::create_directories(root + "/small/d" + std::to_string(d));
        for (int i = 0; i < 100; ++i) {
            write_file(root + "/small/d" + std::to_string(d) + "/f" + std::to_string(i),
                       big.substr(static_cast<std::size_t>(d * 100 + i), 20 + i));
        }
    }
}

double max_over_mean(const std::string& plan_json) {
    const std::string key = "\"max_over_mean\":";
    const auto at = plan_json.find(key);
    return at == std::string::npos ? -1 : std::stod(plan_json.substr(at + key.size()));
}

}  // namespace

TEST_CASE("4 shards started apart copy the whole tree, balanced by bytes") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    build_shard_tree(src);
    // Every path absolute: the shards' outputs land in `work` whatever directory they run in
    // (out1..3 and rc1..3 of shards run outside it were once committed in the repository).
    std::string script = "cd " + q(work.path()) + " && { ";
    for (int k = 0; k < 4; ++k) {
        const std::string n = std::to_string(k);
        script += "(" + ucopy_binary() + " -a --stats=json --shard " + n + "/4 " + q(src + "/.") +
                  " " + q(dst) + " > " + q(work / ("out" + n)) + " 2>&1; echo $? > " +
                  q(work / ("rc" + n)) + ") & ";
    }
    REQUIRE(sh(script + "wait; }").status == 0);
    std::vector<long long> bytes;
    for (int k = 0; k < 4; ++k) {
        const std::string output = read_file(work / ("out" + std::to_string(k)));
        INFO(output);
        CHECK(read_file(work / ("rc" + std::to_string(k))) == "0\n");
        bytes.push_back(stat_of(output, "bytes"));
    }
    command_result check = sh(check_command(src, dst));
    INFO(check.output);
    CHECK(check.status == 0);
    check_same_tree(src, dst);  // also: sparse stays sparse, hard links stay links
    CHECK(temp_leftovers(dst).empty());
    // 24 MiB of big, 9 MiB in sparse, ~0.5 MiB of small files: a quarter each means both
    // large files were split; whole files only would give one shard 24 MiB.
    const long long most = *std::max_element(bytes.begin(), bytes.end());
    const long long least = *std::min_element(bytes.begin(), bytes.end());
    CHECK(least > 0);
    CHECK(most <= least * 3 / 2);
}

TEST_CASE("a shard killed mid-copy, rerun with its journal, completes the tree") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    build_shard_tree(src);
    auto shard = [&](int k, const std::string& ucopy = ucopy_binary()) {
        return ucopy + " -a --shard " + std::to_string(k) + "/3 --journal " +
               q(work / ("journal" + std::to_string(k))) + " src/. dst";
    };
    // Shard 1 is held after the first chunk of its first file, then killed there.
    copy_gate gate(work / "gate");
    command_result killed = sh("cd " + q(work.path()) + " && (" + gate.shell_env() +
                               shard(1, ucopy_testable_binary()) + " > killed.log 2>&1 & pid=$!; " +
                               gate.shell_wait_for_arrivals(1) + "kill -9 $pid; wait $pid)");
    REQUIRE(gate.arrivals().size() >= 1);
    CHECK(killed.status == 128 + 9);
    for (int k : {0, 2}) CHECK(sh("cd " + q(work.path()) + " && " + shard(k)).status == 0);
    // Not finished: shard 1's part is missing, and what is there is whole or not there.
    CHECK(sh(check_command(src, dst)).status == 1);
    command_result rerun = sh("cd " + q(work.path()) + " && " + shard(1));
    INFO(rerun.output);
    CHECK(rerun.status == 0);
    command_result check = sh(check_command(src, dst));
    INFO(check.output);
    CHECK(check.status == 0);
    check_same_tree(src, dst);
    CHECK(temp_leftovers(dst).empty());
}

TEST_CASE("mpirun -np 4 ucopy copies the tree in 4 shards from the launcher's ranks") {
    if (sh("command -v mpirun").status != 0) {
        WARN("mpirun not installed (scripts/deps installs openmpi-bin): skipped");
        return;
    }
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    build_shard_tree(src);
    // As root, Open MPI wants both variables; elsewhere they are ignored.
    command_result run = sh("cd " + q(work.path()) +
                            " && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun "
                            "--oversubscribe -np 4 " +
                            ucopy_binary() + " -a --stats=json src/. dst");
    INFO(run.output);
    REQUIRE(run.status == 0);
    // Four summaries: four shards, not four whole copies.
    std::istringstream lines(run.output);
    long long total = 0;
    int summaries = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("{\"files\"", 0) != 0) continue;
        ++summaries;
        total += stat_of(line, "bytes");
    }
    CHECK(summaries == 4);
    CHECK(total < 40LL << 20);  // each byte once (the sparse file's holes are not copied)
    command_result check = sh(check_command(src, dst));
    INFO(check.output);
    CHECK(check.status == 0);
    check_same_tree(src, dst);
}

TEST_CASE("a large hard-linked file is split: the plan balances it and every shard copies") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    build_linked_tree(src);
    // Before: weights [0,0,0,all], max/mean 4.0 (every cut fell inside big and moved to its
    // start, as big was never split).
    command_result plan =
        sh(ucopy_binary() + " -a --shard 0/4 --shard-plan " + q(src + "/.") + " " + q(dst));
    INFO(plan.output);
    REQUIRE(plan.status == 0);
    CHECK(max_over_mean(plan.output) > 0);
    CHECK(max_over_mean(plan.output) <= 1.1);
    CHECK(plan.output.find("\"split_files\":1") != std::string::npos);
    std::string script = "cd " + q(work.path()) + " && { ";
    for (int k = 0; k < 4; ++k) {
        script += "(" + ucopy_binary() + " -a --stats=json --shard " + std::to_string(k) +
                  "/4 src/. dst > out" + std::to_string(k) + " 2>&1; echo $? > rc" +
                  std::to_string(k) + ") & ";
    }
    REQUIRE(sh(script + "wait; }").status == 0);
    for (int k = 0; k < 4; ++k) {
        const std::string output = read_file(work / ("out" + std::to_string(k)));
        INFO("shard " << k << ": " << output);
        CHECK(read_file(work / ("rc" + std::to_string(k))) == "0\n");
        CHECK(stat_of(output, "copied") > 0);
        CHECK(stat_of(output, "bytes") > 1 << 20);  // part of big at least
    }
    command_result check = sh(check_command(src, dst));
    INFO(check.output);
    CHECK(check.status == 0);
    check_same_tree(src, dst);  // big-again is a link to big, not a copy
    struct stat a {
    }, b{};
    REQUIRE(::stat((dst + "/big").c_str(), &a) == 0);
    REQUIRE(::stat((dst + "/z/big-again").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    CHECK(temp_leftovers(dst).empty());
    // A finisher stopped between publishing big and linking its other name: the next
    // finish (a rerun of any shard) links it.
    fs::remove(dst + "/z/big-again");
    command_result rerun =
        sh("cd " + q(work.path()) + " && " + ucopy_binary() + " -a --shard 2/4 src/. dst");
    INFO(rerun.output);
    CHECK(rerun.status == 0);
    REQUIRE(::stat((dst + "/z/big-again").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
}

TEST_CASE("shard edges: --shard-plan alone, a launcher's half, launchers that disagree") {
    uio::testing::temp_dir work;
    const std::string src = work / "src", dst = work / "dst";
    build_full_tree(src);
    const std::string operands = " -a " + q(src + "/.") + " " + q(dst);
    auto run = [&](const std::string& env, const std::string& options) {
        command_result r = sh(without_launcher(env) + " " + options + operands);
        INFO(env << " ucopy " << options << ": " << r.output);
        CHECK_FALSE(fs::exists(dst));  // copies nothing, not the whole tree
        return r;
    };
    command_result alone = run("", "--shard-plan");
    CHECK(alone.status == 2);
    CHECK_THAT(alone.output, Catch::Contains("--shard-plan goes with --shard K/N"));
    command_result one = run("", "--shard 0/1 --shard-plan");
    CHECK(one.status == 0);
    CHECK_THAT(one.output, Catch::Contains("\"shards\":1,"));

    command_result rank_only = run("OMPI_COMM_WORLD_RANK=1", "");
    CHECK(rank_only.status == 2);
    CHECK_THAT(rank_only.output,
               Catch::Contains("OMPI_COMM_WORLD_RANK is set but OMPI_COMM_WORLD_SIZE is not"));
    command_result size_only = run("SLURM_NTASKS=4", "");
    CHECK(size_only.status == 2);
    CHECK_THAT(size_only.output, Catch::Contains("SLURM_NTASKS is set but SLURM_PROCID is not"));
    command_result nonsense = run("PMI_RANK=4 PMI_SIZE=4", "");
    CHECK(nonsense.status == 2);
    CHECK_THAT(nonsense.output, Catch::Contains("PMI_RANK/PMI_SIZE = 4/4 is not a shard"));
    command_result disagree =
        run("OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=4 PMI_RANK=0 PMI_SIZE=4", "");
    CHECK(disagree.status == 2);
    CHECK_THAT(disagree.output,
               Catch::Contains("OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE = 1/4 and "
                               "PMI_RANK/PMI_SIZE = 0/4 disagree"));
    // mpirun inside a Slurm batch job: the ranks inherit the job's SLURM_PROCID/NTASKS, and
    // mpirun's own variables (the innermost launcher) decide.
    command_result nested =
        run("OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=3 SLURM_PROCID=0 SLURM_NTASKS=4",
            "--shard-plan");
    CHECK(nested.status == 0);
    CHECK_THAT(nested.output, Catch::Contains("\"shards\":3,"));

    // Launchers that agree (srun --mpi=pmi2 sets both), and --shard over any environment.
    command_result agree =
        run("PMI_RANK=1 PMI_SIZE=2 SLURM_PROCID=1 SLURM_NTASKS=2", "--shard-plan");
    CHECK(agree.status == 0);
    CHECK_THAT(agree.output, Catch::Contains("\"shards\":2,"));
    command_result given = run("SLURM_NTASKS=4", "--shard 1/3 --shard-plan");
    CHECK(given.status == 0);
    CHECK_THAT(given.output, Catch::Contains("\"shards\":3,"));
}
