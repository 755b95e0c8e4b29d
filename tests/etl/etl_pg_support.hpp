// PostgreSQL helpers for the ETL tests: one-shot queries on the test cluster (or on the
// cluster a conninfo names) and URIs for table endpoints.
#pragma once

#include <chrono>
#include <string>

#include "pg_test_support.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::testing {

// The first column of every row, '|'-joined ("<NULL>" for NULL).
inline std::string pg_column(const std::string& sql, const std::string& conninfo = "") {
    return uio::run([&]() -> uio::task<std::string> {
        auto conn = co_await uio::pg::connection::connect(conninfo, std::chrono::seconds(10));
        uio::pg::result r = co_await conn.fetch(sql);
        std::string out;
        for (int i = 0; i < r.rows(); ++i) {
            if (i) out += '|';
            out += r[i][0].is_null() ? std::string("<NULL>") : std::string(r[i][0].text());
        }
        co_return out;
    }());
}

inline void pg_exec(const std::string& sql, const std::string& conninfo = "") {
    uio::run([&]() -> uio::task<void> {
        auto conn = co_await uio::pg::connection::connect(conninfo, std::chrono::seconds(10));
        co_await conn.execute(sql);
    }());
}

// The column types of `table`, "|"-separated in column order (format_type: "numeric",
// "timestamp with time zone", ...).
inline std::string pg_types(const std::string& table) {
    return pg_column(
        "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = '" + table +
        "'::regclass and attnum > 0 order by attnum");
}

// A table endpoint on the test cluster (PG* variables): "postgresql:///?table=t".
inline std::string pg_uri(const std::string& params) {
    return "postgresql:///?" + params;
}

}  // namespace uio::testing
