// CSV → PostgreSQL: the server parses. We read a sample (header, column types for a table we
// create), then stream the file's bytes from io_uring reads straight into COPY FROM STDIN.
// On a COPY error we rescan the file to turn the server's "line N" (where the bad record
// ends) into where it starts, and report `file:LINE: message`.
#include <exception>
#include <stdexcept>

#include "chunk_stream.hpp"
#include "postgres_table.hpp"
#include "record_locator.hpp"
#include "sqlite_loaders.hpp"
#include "table_paths.hpp"
#include "uio/core/offload.hpp"
#include "uio/db/formats/csv_reader.hpp"

namespace uio::etl {

namespace {

// The first rows of the file: enough for the header and the column types.
task<std::vector<column_spec>> sample_columns(file& in, formats::csv_options csv) {
    std::string source = csv.source;
    formats::csv_reader reader(std::move(csv));
    formats::csv_batch sample;
    std::string chunk(chunk_size, '\0');
    std::uint64_t offset = 0;
    while (sample.empty()) {
        chunk.resize(chunk_size);
        std::size_t n = co_await in.read_some(std::as_writable_bytes(std::span(chunk)), offset);
        offset += n;
        chunk.resize(n);
        auto parse = [&] { return n == 0 ? reader.finish() : reader.feed(chunk); };
        sample = co_await offload(parse);
        if (n == 0) break;
    }
    if (reader.width() == 0) throw std::runtime_error(source + ": no rows and no header");
    co_return infer_csv_columns(reader.header(), reader.width(), sample);
}

// Where the record holding physical line `line` starts.
task<std::uint64_t> record_start(file& in, std::uint64_t line, char quote) {
    record_locator locator(line, quote);
    std::string chunk(chunk_size, '\0');
    std::uint64_t offset = 0;
    for (;;) {
        chunk.resize(chunk_size);
        std::size_t n = co_await in.read_some(std::as_writable_bytes(std::span(chunk)), offset);
        if (n == 0) break;
        offset += n;
        if (locator.feed(std::string_view(chunk.data(), n))) break;
    }
    locator.finish();
    co_return locator.record_start().value_or(line);
}

// "COPY t, line 3, column n: \"abc\"" → "n".
std::string copy_column(const std::string& context) {
    std::size_t at = context.find(", column ");
    if (at == std::string::npos) return {};
    at += 9;
    std::size_t end = context.find(':', at);
    return context.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

task<void> file_to_postgres(copy_context& ctx, data_file_endpoint src, postgres_endpoint dst) {
    if (src.format == data_format::jsonl) {
        throw std::runtime_error("JSON Lines → PostgreSQL is not supported yet; go through SQLite");
    }
    if (dst.target.is_query()) throw std::runtime_error("a query cannot be a destination");
    formats::csv_options csv = ctx.csv_for(src.path, src.format);
    csv.allow_ragged = false;
    file in = co_await open_input(src.path, ctx);
    std::vector<column_spec> columns = co_await sample_columns(in, csv);
    pg::connection conn = co_await connect_postgres(dst.conninfo);

    postgres_load_request request{dst.target.table, columns, !csv.header, ctx.options.mode,
                                  ctx.schema()};
    std::string options =
        copy_csv_options(conn, csv.header, csv.delimiter, csv.quote, csv.null_string);
    std::exception_ptr failure;
    std::optional<std::int64_t> bad_line;
    std::string message;
    try {
        std::int64_t rows =
            co_await load_into_postgres(conn, request, options, file_bytes(in, ctx));
        ctx.stats.rows = static_cast<std::uint64_t>(rows);
    } catch (const pg::error& e) {
        failure = std::current_exception();
        bad_line = e.copy_line();
        message = e.message();
        if (std::string column = copy_column(e.context()); !column.empty()) {
            message += " (column " + column + ")";
        }
    }
    if (failure && bad_line) {
        std::uint64_t line =
            co_await record_start(in, static_cast<std::uint64_t>(*bad_line), csv.quote);
        throw std::runtime_error(src.path + ":" + std::to_string(line) + ": " + message);
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace uio::etl
