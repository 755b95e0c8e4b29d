// copy_gate: the arrival log is read whole each time; it holds a line per gated file.
#include "copy_gate.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ucopy_harness.hpp"

namespace ucopy_test {

namespace {

constexpr std::chrono::seconds patience{120};

}  // namespace

copy_gate::copy_gate(std::string dir, unsigned pass, std::string only)
    : dir_(std::move(dir)), pass_(pass), only_(std::move(only)) {
    std::filesystem::create_directories(dir_);
}

std::vector<std::string> copy_gate::env() const {
    std::vector<std::string> vars = {"UCOPY_TEST_GATE=" + dir_,
                                     "UCOPY_TEST_GATE_PASS=" + std::to_string(pass_)};
    if (!only_.empty()) vars.push_back("UCOPY_TEST_GATE_ONLY=" + only_);
    return vars;
}

std::string copy_gate::shell_env() const {
    std::string prefix;
    for (const std::string& var : env()) {
        const auto eq = var.find('=');
        prefix += var.substr(0, eq + 1) + q(var.substr(eq + 1)) + " ";
    }
    return prefix;
}

std::vector<std::string> copy_gate::arrivals() const {
    std::vector<std::string> lines;
    std::ifstream in(dir_ + "/arrived");
    // Only whole lines: a line being written has no newline yet.
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::size_t at = 0, end; (end = content.find('\n', at)) != std::string::npos;
         at = end + 1) {
        lines.push_back(content.substr(at, end - at));
    }
    return lines;
}

std::vector<std::string> copy_gate::wait_for_arrivals(std::size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::vector<std::string> lines = arrivals();
    while (lines.size() < n && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        lines = arrivals();
    }
    return lines;
}

std::string copy_gate::shell_wait_for_arrivals(std::size_t n) const {
    const std::string log = q(dir_ + "/arrived");
    return "end=$(($(date +%s) + " + std::to_string(patience.count()) + ")); while [ $(cat " + log +
           " 2>/dev/null | wc -l) -lt " + std::to_string(n) +
           " ] && [ $(date +%s) -lt $end ]; do sleep 0.01; done; ";
}

void copy_gate::open() const {
    write_file(dir_ + "/open", "");
}

}  // namespace ucopy_test
