// Bulk loads on uio for scripts/bench-pg: COPY in and out of PostgreSQL with the file on
// io_uring, and a CSV file into SQLite through csv_reader and bulk_insert. See load_bench.hpp.
#include "load_bench.hpp"

#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "report.hpp"
#include "uio/core/async_generator.hpp"
#include "uio/core/error_kind.hpp"
#include "uio/db/formats/csv_reader.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/db/sqlite/database.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/file_chunks.hpp"
#include "uio/uring/io_context.hpp"

namespace ubench {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

void print_result(const load_options& opt, const char* what, std::int64_t rows, std::uint64_t bytes,
                  double seconds) {
    std::fprintf(people(opt.json_path), "%s: %lld rows, %.1f MB in %.3f s: %.0f rows/s\n", what,
                 static_cast<long long>(rows), static_cast<double>(bytes) / 1e6, seconds,
                 static_cast<double>(rows) / seconds);
    if (opt.json_path.empty()) return;
    write_output(opt.json_path, [&](std::FILE* out) {
        std::fprintf(out,
                     "{\"benchmark\": \"%s\", \"rows\": %lld, \"bytes\": %llu, \"seconds\": %.4f, "
                     "\"rows_per_s\": %.0f}\n",
                     what, static_cast<long long>(rows), static_cast<unsigned long long>(bytes),
                     seconds, static_cast<double>(rows) / seconds);
    });
}

uio::task<void> copy_in(const load_options& opt, std::int64_t& rows, std::uint64_t& bytes) {
    auto conn = co_await uio::pg::connection::connect(opt.conninfo, 10s);
    uio::file in = co_await uio::file::open(opt.file, O_RDONLY);
    std::string sql = "COPY " + opt.table + " FROM STDIN (FORMAT csv, HEADER true)";
    bytes = (co_await in.stat()).stx_size;
    rows = co_await conn.copy_in(sql, uio::file_chunks(in, opt.chunk));
}

uio::task<void> copy_out(const load_options& opt, std::int64_t& rows, std::uint64_t& bytes) {
    auto conn = co_await uio::pg::connection::connect(opt.conninfo, 10s);
    uio::file out = co_await uio::file::open(opt.file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string sql = "COPY " + opt.table + " TO STDOUT (FORMAT csv, HEADER true)";
    // The server's ~64 KiB chunks gathered into writes of opt.chunk bytes.
    std::vector<std::byte> pending;
    pending.reserve(opt.chunk + (128 << 10));
    std::uint64_t offset = 0;
    auto chunks = conn.copy_out(sql, &rows);
    while (auto chunk = co_await chunks.next()) {
        pending.insert(pending.end(), chunk->begin(), chunk->end());
        if (pending.size() >= opt.chunk) {
            co_await out.write_all(pending, offset);
            offset += pending.size();
            pending.clear();
        }
    }
    if (!pending.empty()) {
        co_await out.write_all(pending, offset);
        offset += pending.size();
    }
    co_await out.close();
    bytes = offset;
}

uio::task<void> sqlite_import(const load_options& opt, std::int64_t& rows, std::uint64_t& bytes,
                              double& seconds) {
    auto db = co_await uio::sqlite::database::open(opt.db);
    if (!opt.schema.empty()) {
        std::string schema = opt.schema;
        co_await db.execute(std::move(schema));
    }
    auto start = clock_type::now();
    uio::file in = co_await uio::file::open(opt.file, O_RDONLY);
    uio::formats::csv_options csv;
    csv.source = opt.file;
    uio::formats::csv_reader reader(csv);
    std::vector<std::optional<std::string_view>> row;
    std::optional<uio::sqlite::bulk_inserter> load;
    auto insert_batch = [&](const uio::formats::csv_batch& batch) -> uio::task<void> {
        if (!load) {
            std::string table = opt.table;
            std::vector<std::string> columns = reader.header();
            uio::sqlite::bulk_options bulk;
            bulk.bulk_pragmas = opt.bulk_pragmas;
            load.emplace(co_await db.bulk_insert(table, columns, bulk));
        }
        for (uio::formats::csv_row r : batch) {
            row.clear();
            for (std::size_t c = 0; c < r.size(); ++c) row.push_back(r[c]);
            co_await load->add_row(std::span<const std::optional<std::string_view>>(row));
        }
    };
    auto chunks = uio::file_chunks(in, opt.chunk);
    while (auto chunk = co_await chunks.next()) {
        bytes += chunk->size();
        uio::formats::csv_batch batch = reader.feed(
            std::string_view(reinterpret_cast<const char*>(chunk->data()), chunk->size()));
        co_await insert_batch(batch);
    }
    uio::formats::csv_batch last = reader.finish();
    co_await insert_batch(last);
    rows = load ? co_await load->commit() : 0;
    seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    co_await db.close();
}

}  // namespace

int run_pg_copy(const load_options& opt) {
    if (opt.direction != "in" && opt.direction != "out") {
        throw uio::usage_error("pg-copy: direction must be 'in' or 'out'");
    }
    std::int64_t rows = 0;
    std::uint64_t bytes = 0;
    auto start = clock_type::now();
    if (opt.direction == "in") {
        uio::run(copy_in(opt, rows, bytes));
    } else {
        uio::run(copy_out(opt, rows, bytes));
    }
    double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    print_result(opt, opt.direction == "in" ? "pg-copy-in" : "pg-copy-out", rows, bytes, seconds);
    return 0;
}

int run_sqlite_import(const load_options& opt) {
    std::int64_t rows = 0;
    std::uint64_t bytes = 0;
    double seconds = 0;
    uio::run(sqlite_import(opt, rows, bytes, seconds));
    print_result(opt, "sqlite-import", rows, bytes, seconds);
    return 0;
}

}  // namespace ubench
