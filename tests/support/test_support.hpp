// Helpers shared by the tests: skipping, shell quoting, counting open file descriptors,
// temp dirs.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace uio::testing {

// Ends this test as "skipped" (ctest SKIP_RETURN_CODE 77) with the reason. Every TEST_CASE
// runs in its own process under ctest, so leaving the process is safe.
[[noreturn]] inline void skip(const std::string& reason) {
    std::printf("SKIP: %s\n", reason.c_str());
    std::fflush(stdout);
    std::_Exit(77);
}

// `word` quoted for /bin/sh.
inline std::string shell_quote(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

inline int open_fd_count() {
    int count = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (dirent* entry = ::readdir(dir)) {
            if (entry->d_name[0] != '.') ++count;
        }
        ::closedir(dir);
    }
    return count - 1;  // the directory stream itself
}

// A fresh directory removed at scope end.
class temp_dir {
  public:
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "uio-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

}  // namespace uio::testing

// Note for test authors: never write `CHECK(co_await x == y)`. Catch2's macros repeat their
// argument in a dead branch, and g++ 12 then performs the co_await more than once. Bind the
// awaited value to a variable first.
