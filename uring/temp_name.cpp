// temp_name: formatting and parsing ".ucopy-<pid>-<n>.tmp".
#include "uio/uring/temp_name.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <vector>

namespace uio {

namespace {

constexpr std::string_view temp_prefix = ".ucopy-", temp_suffix = ".tmp";

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// "<pid>-<n>", or empty when `name` is not in the scheme.
std::string_view middle_of(std::string_view name) {
    if (name.size() <= temp_prefix.size() + temp_suffix.size() || !name.starts_with(temp_prefix) ||
        !name.ends_with(temp_suffix)) {
        return {};
    }
    return name.substr(temp_prefix.size(), name.size() - temp_prefix.size() - temp_suffix.size());
}

}  // namespace

std::string temp_name() {
    static const auto pid = static_cast<unsigned>(::getpid());
    static std::atomic<unsigned long long> counter{0};
    char text[64];
    std::snprintf(text, sizeof text, ".ucopy-%x-%llx.tmp", pid, ++counter);
    return text;
}

bool is_temp_name(std::string_view name) {
    std::string_view middle = middle_of(name);
    std::size_t dash = middle.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == middle.size()) return false;
    for (std::size_t i = 0; i < middle.size(); ++i) {
        if (!is_hex(middle[i]) && i != dash) return false;
    }
    return true;
}

std::optional<pid_t> temp_name_owner(std::string_view name) {
    if (!is_temp_name(name)) return std::nullopt;
    std::string_view middle = middle_of(name);
    unsigned long long pid = 0;
    for (char c : middle.substr(0, middle.find('-'))) {
        pid = pid * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
        if (pid > INT_MAX) return std::nullopt;
    }
    if (pid == 0) return std::nullopt;
    return static_cast<pid_t>(pid);
}

bool temp_owner_alive(std::string_view name) {
    std::optional<pid_t> pid = temp_name_owner(name);
    if (!pid) return false;
    return ::kill(*pid, 0) == 0 || errno == EPERM;
}

void remove_stale_temp_files(const std::string& dir) {
    DIR* listing = ::opendir(dir.c_str());
    if (!listing) return;
    std::vector<std::string> stale;
    while (const dirent* d = ::readdir(listing)) {
        if (is_temp_name(d->d_name) && !temp_owner_alive(d->d_name)) stale.emplace_back(d->d_name);
    }
    for (const std::string& name : stale) ::unlinkat(::dirfd(listing), name.c_str(), 0);
    ::closedir(listing);
}

}  // namespace uio
