#include "uio/db/etl/detail/postgres_upsert_overlap.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <utility>

#include "uio/core/channel.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/csv_block_splitter.hpp"
#include "uio/db/etl/detail/postgres_staging_table.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/postgres_upsert.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/pg/error.hpp"
#include "uio/db/pg/quote.hpp"

using namespace std::chrono_literals;

namespace uio::etl {

namespace {

constexpr std::size_t default_batch_floor = std::size_t{8} << 20;
constexpr std::size_t record_block_bytes = std::size_t{1} << 20;

// The input as blocks of whole records (the first record alone), pulled one at a time.
class record_blocks {
  public:
    record_blocks(async_generator<std::span<const std::byte>> bytes, char quote,
                  std::size_t batch_floor)
        : bytes_(std::move(bytes)),
          block_(std::min(record_block_bytes, upsert_batch_bytes(0, batch_floor))),
          splitter_(quote, block_) {}

    task<std::optional<std::string>> next() {
        while (at_ == ready_.size()) {
            if (ended_) co_return std::nullopt;
            ready_.clear();
            at_ = 0;
            std::optional<std::span<const std::byte>> chunk = co_await bytes_.next();
            if (!chunk) {
                splitter_.finish(ready_);
                ended_ = true;
            } else {
                // In slices: the splitter cuts all it has once it has a block's worth.
                std::string_view text(reinterpret_cast<const char*>(chunk->data()), chunk->size());
                for (std::size_t at = 0; at < text.size(); at += block_) {
                    splitter_.feed(text.substr(at, block_), ready_);
                }
            }
        }
        co_return std::move(ready_[at_++]);
    }

  private:
    async_generator<std::span<const std::byte>> bytes_;
    std::size_t block_;
    csv_block_splitter splitter_;
    std::vector<std::string> ready_;
    std::size_t at_ = 0;
    bool ended_ = false;
};

// What one batch sent (its dummy header left out).
struct batch_tally {
    std::uint64_t bytes = 0;
    std::uint64_t lines = 0;   // line ends
    bool ended = false;        // the input has no more
    std::optional<bool> crlf;  // the first record's line ending, when this batch had it
};

// One batch for COPY: `prefix`, then blocks until at least `limit` bytes.
async_generator<std::span<const std::byte>> batch_bytes(record_blocks& blocks, std::string prefix,
                                                        std::size_t limit, batch_tally& tally) {
    if (!prefix.empty()) co_yield std::as_bytes(std::span(prefix.data(), prefix.size()));
    while (tally.bytes < limit) {
        std::optional<std::string> block = co_await blocks.next();
        if (!block) {
            tally.ended = true;
            co_return;
        }
        if (tally.bytes == 0 && !tally.crlf) tally.crlf = block->ends_with("\r\n");
        tally.bytes += block->size();
        tally.lines += static_cast<std::uint64_t>(std::count(block->begin(), block->end(), '\n'));
        co_yield std::as_bytes(std::span(block->data(), block->size()));
    }
}

// A COPY error of a batch whose first line is line `offset` + 1 of the whole input.
pg::error shifted(const pg::error& e, std::int64_t offset) {
    if (!e.copy_line() || offset == 0) return e;
    pg::error::fields f = e.all_fields();
    const std::string was = ", line " + std::to_string(*f.copy_line);
    *f.copy_line += offset;
    if (std::size_t at = f.context.find(was); at != std::string::npos) {
        f.context.replace(at, was.size(), ", line " + std::to_string(*f.copy_line));
    }
    return pg::error(std::move(f));
}

// A batch in the staging table, committed: the ctids after `after` up to `last`.
struct staged_batch {
    std::string after;
    std::string last;
    std::int64_t bytes = 0;
};

}  // namespace

std::size_t upsert_batch_bytes(std::uint64_t before, std::size_t floor) {
    if (floor == 0) floor = default_batch_floor;
    return std::max<std::size_t>(floor, static_cast<std::size_t>(before / 8));
}

postgres_upsert_overlap::postgres_upsert_overlap(pg::connection side, std::string conninfo,
                                                 std::string schema, std::string table,
                                                 std::vector<column_spec> columns,
                                                 std::vector<std::string> key)
    : side_(std::move(side)),
      conninfo_(std::move(conninfo)),
      schema_(std::move(schema)),
      table_(std::move(table)),
      columns_(std::move(columns)),
      key_(std::move(key)) {}

postgres_upsert_overlap::~postgres_upsert_overlap() = default;

task<std::unique_ptr<postgres_upsert_overlap>> postgres_upsert_overlap::open(
    std::string conninfo, std::string schema, std::string table, std::vector<column_spec> columns,
    std::vector<std::string> key) {
    std::unique_ptr<postgres_upsert_overlap> out;
    bool made = false;
    try {
        pg::connection side = co_await connect_postgres(conninfo, schema);
        const std::string version = "select current_setting('server_version_num')::int";
        const std::int64_t server = co_await side.fetch_value<std::int64_t>(version);
        if (server < 140000) co_return nullptr;
        out = std::make_unique<postgres_upsert_overlap>(std::move(side), conninfo, schema, table,
                                                        columns, key);
        postgres_load_request request;
        request.table = table;
        request.source_columns = columns;
        request.mode = load_mode::append;
        postgres_staging_table created =
            co_await postgres_staging_table::create(out->side_, std::move(request));
        out->staging_ = std::make_unique<postgres_staging_table>(std::move(created));
        made = true;
        const std::string staging = pg::quote_identifier(out->side_, out->staging_->name());
        std::string alter = "alter table " + staging + " set (autovacuum_enabled = off)";
        for (const std::string& k : key) {
            alter += ", alter column " + pg::quote_identifier(out->side_, k) + " set not null";
        }
        co_await out->side_.execute(alter);
        // max(ctid) of a batch: a TID range scan, not a parallel scan of the whole table.
        const std::string serial =
            "select set_config('max_parallel_workers_per_gather', '0', false)";
        co_await out->side_.execute(serial);
        co_return out;
    } catch (const pg::error&) {
        // No second connection or no table of ours: the temporary table instead.
    }
    if (made) co_await out->drop();
    co_return nullptr;
}

task<upsert_overlap_result> postgres_upsert_overlap::run(
    pg::connection& main, formats::csv_options csv, std::string first_options, bool count,
    async_generator<std::span<const std::byte>> bytes, std::size_t batch_floor) {
    const char quote = csv.text_format ? '\0' : csv.quote;
    record_blocks blocks(std::move(bytes), quote, batch_floor);
    channel<staged_batch> staged(1);
    const std::string later_options = copy_options(side_, csv, !csv.text_format);
    const std::string staging = pg::quote_identifier(side_, staging_->name());
    const std::string last_ctid =
        "select max(ctid)::text from " + staging + " where ctid > $1::tid";

    // The second connection: each batch COPYed (and committed), then handed to the merges.
    auto copy_batches = [&]() -> task<std::int64_t> {
        std::int64_t rows = 0;
        std::uint64_t lines_before = 0, bytes_before = 0;
        std::string after = "(0,0)";
        bool crlf = false;
        std::exception_ptr failure;
        try {
            for (bool first = true;; first = false) {
                const bool dummy = !first && !csv.text_format;
                std::string prefix = dummy ? copy_dummy_header(csv, crlf) : std::string();
                batch_tally tally;
                auto batch = batch_bytes(blocks, std::move(prefix),
                                         upsert_batch_bytes(bytes_before, batch_floor), tally);
                std::string sql = staging_->copy_sql(side_, first ? first_options : later_options);
                std::int64_t copied = 0;
                std::optional<pg::error> refused;
                try {
                    copied = co_await side_.copy_in(std::move(sql), std::move(batch));
                } catch (const pg::error& e) {
                    const std::int64_t offset =
                        static_cast<std::int64_t>(lines_before) - (dummy ? 1 : 0);
                    refused = shifted(postgres_upsert_copy_error(e), offset);
                }
                if (refused) throw *refused;
                if (first && tally.crlf) crlf = *tally.crlf;
                if (copied > 0) {
                    std::optional<std::string> last =
                        co_await side_.fetch_value<std::optional<std::string>>(last_ctid, after);
                    if (last) {
                        staged_batch b{after, *last, static_cast<std::int64_t>(tally.bytes)};
                        co_await staged.send(std::move(b));
                        after = *last;
                    }
                }
                rows += copied;
                lines_before += tally.lines;
                bytes_before += tally.bytes;
                if (tally.ended) break;
            }
        } catch (...) {
            failure = std::current_exception();
        }
        staged.close();
        if (failure) std::rethrow_exception(failure);
        co_return rows;
    };
    // The load's connection: each batch merged, in order, as soon as it is committed.
    auto merge_batches = [&]() -> task<std::optional<std::int64_t>> {
        std::optional<std::int64_t> inserted;
        if (count) inserted = 0;
        std::exception_ptr failure;
        try {
            while (std::optional<staged_batch> b = co_await staged.receive()) {
                staged_rows rows{
                    "ctid > '" + b->after + "'::tid and ctid <= '" + b->last + "'::tid", b->bytes};
                std::optional<std::int64_t> added = co_await merge_postgres_staging(
                    main, staging_->name(), table_, columns_, key_, count, std::move(rows));
                if (added && inserted) *inserted += *added;
            }
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) {
            staged.close();  // the COPYs stop at their next batch
            std::rethrow_exception(failure);
        }
        co_return inserted;
    };
    auto copying = copy_batches();
    auto merging = merge_batches();
    auto [rows, inserted] = co_await when_all(std::move(copying), std::move(merging));
    co_return upsert_overlap_result{rows, inserted};
}

task<void> postgres_upsert_overlap::drop() {
    if (!staging_) co_return;
    try {
        if (side_.is_open() && !side_.is_broken()) {
            // The load's transaction has ended; a lock still held (a backend not yet gone)
            // leaves the table to the next load rather than hanging this one.
            const std::string wait = "select set_config('lock_timeout', '10s', false)";
            co_await side_.execute(wait);
        }
        std::string why = co_await staging_->drop(conninfo_, schema_);
        (void)why;
    } catch (const std::exception&) {
    }
    staging_.reset();
}

}  // namespace uio::etl
