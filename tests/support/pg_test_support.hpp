// Helpers for the PostgreSQL tests: where the test cluster is (the ctest fixture's, or the
// caller's PGHOST), private clusters for tests that stop the server, and running a task.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_support.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/uring/io_context.hpp"

namespace uio::testing {

// Runs `command` and returns its standard output ("" and *ok=false when it fails).
inline std::string command_output(const std::string& command, bool* ok = nullptr) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) {
        if (ok) *ok = false;
        return out;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    int status = ::pclose(pipe);
    if (ok) *ok = status == 0;
    return out;
}

// Applies "export A=1 B=2" to this process's environment.
inline void apply_exports(const std::string& exports) {
    std::string text = exports;
    if (text.rfind("export ", 0) == 0) text = text.substr(7);
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find_first_of(" \n", at);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(at, end - at);
        std::size_t eq = item.find('=');
        if (eq != std::string::npos) ::setenv(item.substr(0, eq).c_str(), item.c_str() + eq + 1, 1);
        at = end + 1;
    }
}

// Makes sure PGHOST... point at a running test cluster, or skips the test.
inline void require_cluster() {
    const char* host = std::getenv("PGHOST");
    if (host && *host) return;
    std::string dir = UIO_PG_CLUSTER_DIR;
    if (::access((dir + "/port").c_str(), R_OK) != 0) {
        skip(
            "no PostgreSQL test cluster: run through ctest (fixture pg_cluster_start) or set "
            "PGHOST");
    }
    bool ok = false;
    std::string exports =
        command_output(std::string(UIO_PG_CLUSTER_SCRIPT) + " env '" + dir + "'", &ok);
    if (!ok) skip("cannot read the test cluster's settings from " + dir);
    apply_exports(exports);
}

// A cluster of one's own, for tests that stop the server. Stopped and removed at scope end.
class private_cluster {
  public:
    explicit private_cluster(const std::string& name) {
        dir_ = "/tmp/uio-pgp-" + name + "-" + std::to_string(::getpid());
        command_output(std::string(UIO_PG_CLUSTER_SCRIPT) + " stop '" + dir_ + "' 2>&1");
        bool ok = false;
        exports_ =
            command_output(std::string(UIO_PG_CLUSTER_SCRIPT) + " start '" + dir_ + "'", &ok);
        if (!ok) skip("cannot start a private PostgreSQL cluster in " + dir_);
        // "export PGHOST=... PGPORT=... PGUSER=... PGDATABASE=..." → a conninfo string.
        std::string text = exports_.substr(exports_.find("PGHOST"));
        auto value = [&](const std::string& key) {
            std::size_t at = text.find(key + "=");
            std::size_t end = text.find_first_of(" \n", at);
            return text.substr(at + key.size() + 1, end - at - key.size() - 1);
        };
        conninfo_ = "host=" + value("PGHOST") + " port=" + value("PGPORT") +
                    " user=" + value("PGUSER") + " dbname=" + value("PGDATABASE");
    }
    ~private_cluster() { stop(); }
    void stop() {
        command_output(std::string(UIO_PG_CLUSTER_SCRIPT) + " stop '" + dir_ + "' 2>&1");
    }
    const std::string& conninfo() const { return conninfo_; }

  private:
    std::string dir_;
    std::string exports_;
    std::string conninfo_;
};

}  // namespace uio::testing
