// A private PostgreSQL cluster for the hardening tests, which stop servers and change
// authentication: never the shared fixture's. Built on scripts/pg-cluster; stop() is an
// immediate shutdown (like a crash), start() brings the same data back on the same socket.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "pg_test_support.hpp"

namespace harden {

// A private cluster that can be stopped (immediate: like a crash) and started again with
// the same data, socket and port.
class restartable_cluster {
  public:
    explicit restartable_cluster(const std::string& name)
        : dir_("/tmp/uio-hpg-" + name + "-" + std::to_string(::getpid())) {
        script("stop");
        bool ok = false;
        std::string exports = uio::testing::command_output(
            std::string(UIO_PG_CLUSTER_SCRIPT) + " start '" + dir_ + "' 2>&1", &ok);
        if (!ok) uio::testing::skip("cannot start a private PostgreSQL cluster: " + exports);
        port_ = uio::testing::command_output("cat '" + dir_ + "/port'");
        while (!port_.empty() && port_.back() == '\n') port_.pop_back();
        std::string user = ::geteuid() == 0 ? "postgres" : uio::testing::command_output("id -un");
        while (!user.empty() && user.back() == '\n') user.pop_back();
        user_ = user;
        conninfo_ = "host=" + dir_ + " port=" + port_ + " user=" + user + " dbname=uio_test";
    }
    ~restartable_cluster() { script("stop"); }

    void stop() { pg_ctl("-m immediate -w -t 30 stop"); }
    void start() {
        pg_ctl("-l '" + dir_ + "/server.log' -w -t 60 -o \"-p " + port_ +
               " -c listen_addresses='' -c unix_socket_directories='" + dir_ +
               "' -c fsync=off\" start");
    }
    const std::string& conninfo() const { return conninfo_; }
    const std::string& socket_dir() const { return dir_; }
    const std::string& port() const { return port_; }
    // Runs SQL through psql as the cluster's owner; returns its output.
    std::string psql(const std::string& sql) {
        return uio::testing::command_output("/usr/lib/postgresql/15/bin/psql -X -q -At -h '" +
                                            dir_ + "' -p " + port_ + " -U " + user_ +
                                            " -d uio_test -c \"" + sql + "\" 2>&1");
    }

  private:
    void script(const std::string& command) {
        uio::testing::command_output(std::string(UIO_PG_CLUSTER_SCRIPT) + " " + command + " '" +
                                     dir_ + "' 2>&1");
    }
    void pg_ctl(const std::string& args) {
        std::string prefix = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
        bool ok = false;
        std::string out = uio::testing::command_output(
            prefix + "/usr/lib/postgresql/15/bin/pg_ctl -D '" + dir_ + "/data' " + args + " 2>&1",
            &ok);
        if (!ok) FAIL("pg_ctl " << args << ": " << out);
    }

    std::string dir_, port_, user_, conninfo_;
};

}  // namespace harden
