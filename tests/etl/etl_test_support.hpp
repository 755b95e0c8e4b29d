// Helpers for the ETL tests: running a table copy as the command line would, reading files,
// and looking into SQLite synchronously (through its C API, outside any io_context).
#pragma once

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "spawn_logged.hpp"
#include "test_support.hpp"
#include "uio/db/etl/copy_table_and_report.hpp"
#include "uio/db/etl/endpoint.hpp"

namespace uio::testing {

// A command run through /bin/sh: its exit status (128 + signal when killed) and its stdout.
struct command_result {
    int status = -1;
    std::string output;
};

// Runs `command` with /bin/sh; its stdout comes back through a pipe (add 2>&1 for stderr).
inline command_result run_shell(const std::string& command) {
    command_result r;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
    int status = ::pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

struct copy_result {
    int code;
    std::string err;
    std::string out;
};

inline copy_result copy_table_and_report(const std::string& source, const std::string& destination,
                                         etl::table_copy_options o = {}) {
    o.progress = false;
    std::ostringstream err, out;
    int code = etl::copy_table_and_report(o, etl::parse_endpoint(source, {.format = o.format}),
                                          etl::parse_endpoint(destination, {.format = o.format}),
                                          err, out);
    return {code, err.str(), out.str()};
}

// A table of `dir`'s SQLite database as an endpoint.
inline std::string sqlite_uri(const temp_dir& dir, const std::string& table) {
    return "sqlite:" + (dir / "db.sqlite") + "?table=" + table;
}

// Rows of the tests whose odd values sit far past the sample the column types come from (the
// first 1 MiB): the value check must see every row, not only the sample. A million; under a
// sanitizer, which makes each row several times slower, 200,000 (still about 5 to 17 MiB,
// many blocks past the sample), so that CI's ASan run stays short (docs/testing.md).
#ifdef UIO_SANITIZED
inline constexpr int big_rows = 200'000;
#else
inline constexpr int big_rows = 1'000'000;
#endif

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// The first column of every row of `sql`, as text ("<NULL>" for NULL), joined by '|'.
inline std::string sqlite_column(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        out = std::string("<error: ") + sqlite3_errmsg(db) + ">";
    } else {
        bool first = true;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            if (!first) out += '|';
            first = false;
            const unsigned char* t = sqlite3_column_text(stmt, 0);
            out += t ? std::string(reinterpret_cast<const char*>(t),
                                   static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)))
                     : "<NULL>";
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

inline void sqlite_exec(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
}

// Names in `dir` (hidden temporary files included).
inline std::vector<std::string> list_dir(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    return out;
}

// A CSV with every tricky case, written the way csv_writer writes (so a round trip is
// byte-identical): NULL vs "", quotes, commas, newlines, UTF-8, leading zeros, shortest
// doubles, timestamps with time zones, and (if `big`) a 1 MiB field.
inline std::string tricky_csv(bool big) {
    std::string csv = "id,zip,name,price,note,at\n";
    csv += "1,02134,\"Smith, J\",1.5,,2024-03-10 02:30:00+01\n";
    csv += "2,10001,\"say \"\"hi\"\"\",0.1,\"\",2024-01-01 00:00:00-08\n";
    csv += "3,00501,\"two\nlines\",-2.5e-07,NULL,\n";
    csv += "4,99999,Grüße 日本語 🎉,12345678.125,\\N,1999-12-31 23:59:59.999999+00\n";
    csv += "5,,\"\",3,\"a,b\",\n";
    if (big) csv += "6,00000," + std::string(1 << 20, 'x') + ",7,big,\n";
    return csv;
}

// Starts the ucopy binary (`program`: the shipped one, or its test-only twin with the
// UCOPY_TEST_* hooks) with `args` in the background, its stdout and stderr in `log`;
// returns its pid (for kill and waitpid).
inline pid_t start_ucopy(const std::vector<std::string>& args, const std::string& log,
                         const char* program = UCOPY_BINARY) {
    std::vector<std::string> words{program};
    words.insert(words.end(), args.begin(), args.end());
    const pid_t pid = spawn_logged(words, log);
    if (pid < 0) throw std::runtime_error("cannot start " + words[0]);  // never kill(-1)
    return pid;
}

}  // namespace uio::testing
