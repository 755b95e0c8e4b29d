// Includes every public db header through the installed package (none may need a header
// that is not installed, such as libpq-fe.h or the SQLite worker) and runs one SQLite query.
#include <uio/db/formats/csv_batch.hpp>
#include <uio/db/formats/csv_options.hpp>
#include <uio/db/formats/csv_reader.hpp>
#include <uio/db/formats/csv_writer.hpp>
#include <uio/db/formats/json_string.hpp>
#include <uio/db/formats/jsonl.hpp>
#include <uio/db/formats/parse_error.hpp>
#include <uio/db/formats/row_storage.hpp>
#include <uio/db/formats/utf8.hpp>
#include <uio/db/pg/connection.hpp>
#include <uio/db/pg/conninfo.hpp>
#include <uio/db/pg/error.hpp>
#include <uio/db/pg/executor.hpp>
#include <uio/db/pg/notification.hpp>
#include <uio/db/pg/params.hpp>
#include <uio/db/pg/pipeline.hpp>
#include <uio/db/pg/pool.hpp>
#include <uio/db/pg/quote.hpp>
#include <uio/db/pg/result.hpp>
#include <uio/db/pg/transaction.hpp>
#include <uio/db/sqlite/blocking_connection.hpp>
#include <uio/db/sqlite/bulk_insert.hpp>
#include <uio/db/sqlite/database.hpp>
#include <uio/db/sqlite/error.hpp>
#include <uio/db/sqlite/executor.hpp>
#include <uio/db/sqlite/options.hpp>
#include <uio/db/sqlite/packed_rows.hpp>
#include <uio/db/sqlite/quote.hpp>
#include <uio/db/sqlite/row_insert.hpp>
#include <uio/db/sqlite/rows.hpp>
#include <uio/db/sqlite/statement.hpp>
#include <uio/db/sqlite/statement_cache.hpp>
#include <uio/db/sqlite/transaction.hpp>
#include <uio/db/sqlite/value.hpp>
#include <uio/uring/io_context.hpp>

#include <cstdint>
#include <cstdio>

int main() {
    std::int64_t answer = uio::run([]() -> uio::task<std::int64_t> {
        auto db = co_await uio::sqlite::database::open(":memory:");
        co_await db.execute("CREATE TABLE t (n INTEGER)");
        co_await db.execute("INSERT INTO t VALUES (?)", 41);
        co_return co_await db.fetch_value<std::int64_t>("SELECT n + 1 FROM t");
    }());
    std::printf("consumer db answer %lld\n", static_cast<long long>(answer));
    return answer == 42 ? 0 : 1;
}
