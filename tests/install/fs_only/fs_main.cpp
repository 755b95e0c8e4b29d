// Copies a small tree through the installed uio::fs, with only its public headers, then
// checks the copy with check_tree and by reading it back.
#include <uio/fs/copy_tree.hpp>
#include <uio/uring/io_context.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

int main() {
    std::filesystem::remove_all("fs-consumer");
    std::filesystem::create_directories("fs-consumer/src/sub");
    std::ofstream("fs-consumer/src/a.txt") << "alpha\n";
    std::ofstream("fs-consumer/src/sub/b.txt") << "beta\n";
    uio::fs::options options;
    options.sources = {"fs-consumer/src"};
    options.destination = "fs-consumer/dst";
    options.recursive = true;
    options.preserve.timestamps = true;
    uio::fs::tree_stats done = uio::run(uio::fs::copy_tree(options));
    uio::fs::check_stats check = uio::run(uio::fs::check_tree(options));
    std::stringstream b;
    b << std::ifstream("fs-consumer/dst/sub/b.txt").rdbuf();
    std::printf("fs consumer copied %llu files\n",
                static_cast<unsigned long long>(done.files_done));
    return done.files_done == 2 && done.errors == 0 && check.same() && b.str() == "beta\n" ? 0 : 1;
}
