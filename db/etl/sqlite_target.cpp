#include "uio/db/etl/detail/sqlite_target.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <exception>
#include <optional>

#include "uio/core/error_kind.hpp"
#include "uio/db/sqlite/error.hpp"

namespace uio::etl {

namespace {

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

// What a database failure becomes: the same kind, the file named first.
[[noreturn]] void rethrow_naming(const std::string& path, std::exception_ptr failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const sqlite::error& e) {
        if (e.kind() == error_kind::data) throw;  // a constraint: the input row's fault
        throw uio::failure(e.kind(), path + ": " + e.what());
    }
}

}  // namespace

task<void> load_sqlite_target(std::string path, std::function<task<void>(sqlite::database&)> load) {
    const bool created = !exists(path);
    std::exception_ptr failure;
    std::optional<sqlite::database> db;
    try {
        sqlite::database opened = co_await sqlite::database::open(path);
        db.emplace(std::move(opened));
        auto loading = load(*db);
        co_await std::move(loading);
        co_await db->close();
        co_return;
    } catch (...) {
        failure = std::current_exception();
    }
    if (db && db->is_open()) {
        try {
            co_await db->close();  // rolls back what the load left open
        } catch (...) {
        }
    }
    if (created) {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            ::unlink((path + suffix).c_str());
        }
    }
    rethrow_naming(path, failure);
}

}  // namespace uio::etl
