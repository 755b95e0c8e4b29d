// Helpers for the PostgreSQL tests: where the test cluster is (the ctest fixture's, or the
// caller's PGHOST), and private clusters for tests that stop the server or change its
// authentication. Every cluster goes through scripts/pg-cluster (UIO_PG_CLUSTER_SCRIPT),
// which alone knows where PostgreSQL's programs are.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
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

// A cluster of one's own (scripts/pg-cluster, in /tmp/uio-pgp-NAME-PID), for tests that stop
// the server or change its authentication: the shared test cluster stays untouched. stop() is
// an immediate shutdown (as a crash would be); start() brings the same data back on the same
// socket with the same options. Removed at scope end.
class private_cluster {
  public:
    explicit private_cluster(const std::string& name)
        : dir_("/tmp/uio-pgp-" + name + "-" + std::to_string(::getpid())) {
        script("stop");  // a leftover of an earlier process with the same pid
        bool ok = false;
        std::string exports = script("start", &ok);
        if (!ok) skip("cannot start a private PostgreSQL cluster in " + dir_ + ": " + exports);
        // "export PGHOST=... PGPORT=... PGUSER=... PGDATABASE=..." → a conninfo string.
        std::string text = exports.substr(exports.find("PGHOST"));
        auto value = [&](const std::string& key) {
            std::size_t at = text.find(key + "=");
            std::size_t end = text.find_first_of(" \n", at);
            return text.substr(at + key.size() + 1, end - at - key.size() - 1);
        };
        port_ = value("PGPORT");
        conninfo_ = "host=" + value("PGHOST") + " port=" + port_ + " user=" + value("PGUSER") +
                    " dbname=" + value("PGDATABASE");
    }
    ~private_cluster() { script("stop"); }
    private_cluster(const private_cluster&) = delete;
    private_cluster& operator=(const private_cluster&) = delete;

    // Throw (rather than FAIL) on failure: they may run on an offload thread.
    void stop() { checked("halt"); }
    void start() { checked("restart"); }

    const std::string& conninfo() const { return conninfo_; }
    const std::string& socket_dir() const { return dir_; }
    const std::string& port() const { return port_; }

    // The shell command that runs `sql` through psql (-q -At) on this cluster, as its owner
    // unless `options` (psql's, e.g. "-U role") say otherwise; stderr included.
    std::string psql_command(const std::string& sql, const std::string& options = "") const {
        return std::string(UIO_PG_CLUSTER_SCRIPT) + " psql '" + dir_ + "' -q -At " + options +
               " -c " + shell_quote(sql) + " 2>&1";
    }
    // Runs `sql` through psql as the cluster's owner; its output without the final newline.
    std::string psql(const std::string& sql) const {
        std::string out = command_output(psql_command(sql));
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }

  private:
    std::string script(const std::string& command, bool* ok = nullptr) const {
        return command_output(
            std::string(UIO_PG_CLUSTER_SCRIPT) + " " + command + " '" + dir_ + "' 2>&1", ok);
    }
    void checked(const std::string& command) const {
        bool ok = false;
        std::string out = script(command, &ok);
        if (!ok) throw std::runtime_error("pg-cluster " + command + " " + dir_ + ": " + out);
    }

    std::string dir_, port_, conninfo_;
};

}  // namespace uio::testing
