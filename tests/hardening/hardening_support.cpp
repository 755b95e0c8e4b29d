// Processes are started with spawn_logged (posix_spawn, not a shell) so a kill lands on ucopy
// itself at the moment the test picked, and the wait reports its own status.
#include "hardening_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "spawn_logged.hpp"
#include "ucopy_harness.hpp"

namespace fs = std::filesystem;

namespace harden {

process::process(const std::vector<std::string>& argv, const std::string& log,
                 const std::vector<std::string>& extra_env) {
    pid_ = uio::testing::spawn_logged(argv, log, extra_env);
    if (pid_ < 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(errno));
}

process::~process() {
    if (pid_ > 0 && status_ < 0) {
        ::kill(pid_, SIGKILL);
        wait();
    }
}

int process::wait() {
    if (status_ >= 0) return status_;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return status_;
}

bool process::wait_for(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (status_ < 0) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        } else if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    return true;
}

bool process::kill_now(int signal) {
    if (status_ >= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // already finished
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return ::kill(pid_, signal) == 0;
}

int run(const std::vector<std::string>& argv, std::string* output,
        const std::vector<std::string>& extra_env) {
    char log[] = "/tmp/uio-harden-log-XXXXXX";
    int fd = ::mkstemp(log);
    if (fd < 0) throw std::runtime_error("mkstemp");
    ::close(fd);
    int status;
    {
        process p(argv, log, extra_env);
        status = p.wait();
    }
    if (output) *output = slurp(log);
    ::unlink(log);
    return status;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string random_bytes(std::size_t n, std::uint64_t seed) {
    std::string out(n, '\0');
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (std::size_t i = 0; i < n; i += 8) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        for (std::size_t k = 0; k < 8 && i + k < n; ++k)
            out[i + k] = static_cast<char>(x >> (8 * k));
    }
    return out;
}

void build_mixed_tree(const std::string& root, int small, std::size_t big_mib) {
    for (int i = 0; i < small; ++i) {
        std::string dir = root + "/d" + std::to_string(i % 20);
        fs::create_directories(dir);
        std::size_t size = (static_cast<std::size_t>(i) * 7919) % (300 * 1024);
        ucopy_test::write_file(dir + "/f" + std::to_string(i), random_bytes(size, i));
    }
    fs::create_directories(root + "/big");
    for (int i = 0; i < 3; ++i) {
        ucopy_test::write_file(root + "/big/m" + std::to_string(i),
                               random_bytes((3 + i) << 20, 1000 + i));
    }
    ucopy_test::write_file(root + "/big/huge", random_bytes(big_mib << 20, 2000));
    ::symlink("../d1/f1", (root + "/d0/link-in-tree").c_str());
    ::symlink("/etc/passwd", (root + "/d0/link-outside").c_str());
    ::link((root + "/d2/f2").c_str(), (root + "/d3/hard-f2").c_str());
}

std::vector<std::string> wrong_final_files(const std::string& src, const std::string& dst) {
    std::vector<std::string> wrong;
    if (!fs::exists(dst)) return wrong;
    for (auto& e : fs::recursive_directory_iterator(dst)) {
        std::string rel = e.path().lexically_relative(dst).string();
        if (rel.find(".ucopy-") != std::string::npos) continue;  // temporary or staging
        if (e.is_symlink() || !e.is_regular_file()) continue;
        if (ucopy_test::read_file(src + "/" + rel) != ucopy_test::read_file(e.path().string())) {
            wrong.push_back(rel);
        }
    }
    return wrong;
}

std::vector<std::string> leftovers(const std::string& root) {
    std::vector<std::string> found;
    if (!fs::exists(root)) return found;
    for (auto& e : fs::recursive_directory_iterator(root)) {
        if (e.path().filename().string().rfind(".ucopy-", 0) == 0) found.push_back(e.path());
    }
    return found;
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

}  // namespace harden
