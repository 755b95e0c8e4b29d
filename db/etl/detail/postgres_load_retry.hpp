// postgres_load_retry: --max-errors for loads into PostgreSQL.
//
// COPY stops at the first bad record and aborts its transaction, and ucopy streams the input
// without parsing it, so a bad record is only known when the server names its line. Then
// the load is retried from the start in a new transaction, leaving out every record the
// server has rejected so far (each written to --rejects with its line and reason), until it
// commits or more than --max-errors records have been rejected. Why not a savepoint per
// batch: that needs our side to cut the stream at record boundaries into many COPY commands
// and costs a round trip per batch on every load, bad rows or not; this costs nothing when
// the input is clean and one extra pass per bad row, which suits the few bad rows
// --max-errors is for (a file with thousands of bad rows should be fixed, or go through
// SQLite, whose loader skips rows as it parses).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/copy_context.hpp"
#include "uio/db/etl/detail/input_file.hpp"
#include "uio/db/pg/error.hpp"
#include "uio/uring/file.hpp"

namespace uio::etl {

// A COPY error the server tied to a line of its input.
struct copy_failure {
    std::int64_t copy_line = 0;
    std::string message;  // with " (column x)" when the server named one
    std::string sqlstate;
    std::string column;                // the column the server named, or empty
    std::optional<std::string> value;  // its value as the server quoted it (cut at 100 bytes)
    static std::optional<copy_failure> from(const pg::error& e);
};

class postgres_load_retry {
  public:
    postgres_load_retry(copy_context& ctx, std::string source)
        : ctx_(ctx), source_(std::move(source)) {}

    // Before each attempt: counters from zero, the rejects found so far kept.
    void begin_attempt();
    // Input lines (where records start) to leave out, sorted.
    const std::vector<std::uint64_t>& skipped() const noexcept { return skipped_; }
    // Records the bad record at `line`; throws `source:line: reason` when over --max-errors.
    void reject(std::uint64_t line, const std::string& reason, const std::string& row);

  private:
    copy_context& ctx_;
    std::string source_;
    std::vector<std::uint64_t> skipped_;
    std::string rejects_text_;
};

// Physical line `line` of `in` (from 1), cut to 200 bytes: an excerpt for --rejects.
task<std::string> file_line(input_file& in, std::uint64_t line);

}  // namespace uio::etl
