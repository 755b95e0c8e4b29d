// csv_check_ahead: the value check of a CSV load into PostgreSQL (csv_value_check.hpp) run
// over the whole plain file ahead of the COPY, instead of one chunk ahead of it, so that a
// column that widens late is known early: the load cuts (postgres_widen_in_place.hpp) once,
// as soon as the check has reached the end, with the file's final types, and the ALTER
// rewrites the rows sent by then, never more than those before the first value that widens.
//
// Why (scripts/bench-etl-widening, docs/benchmarks.md "Widening"): before, the COPY waited at
// the first cut while a copy of the check read the rest of the file (the look-ahead), then
// the rest was checked a second time as it was sent. Now the file is checked once, by a
// check that runs while the COPY sends, and the COPY waits only if it catches up with the
// check at a value that widens. How far ahead the check gets depends on the machine: its
// scan is several times faster than the server's COPY, but on a loaded machine its steps
// (a read, a job on the pool) wait for a core as the server does.
//
// The check reads the file on its own (positional reads of a plain file: the same bytes
// as the stream the COPY sends, less a BOM). The sender may send the bytes up to
// sendable() (passed(), for blocks of whole records): whole records whose values fit the types the
// table has; once done(), everything: every value fits the final types, as a kind only widens along
// integer → numeric → text and what fits one fits the next (column_types.hpp: widened_kind).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "uio/core/async_generator.hpp"
#include "uio/core/channel.hpp"
#include "uio/core/task.hpp"
#include "uio/db/etl/detail/csv_value_check.hpp"
#include "uio/db/etl/detail/input_file.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"

namespace uio::etl {

class csv_check_ahead {
  public:
    // `check` is fed the whole file from its start (the stream's header included).
    explicit csv_check_ahead(csv_value_check& check) : check_(check) {}
    csv_check_ahead(const csv_check_ahead&) = delete;
    csv_check_ahead& operator=(const csv_check_ahead&) = delete;

    // Reads `in` (a plain file) from its start to its end and checks every value on the
    // pool, moving sendable() on; stops early after stop().
    task<void> run(input_file& in);

    // Of the stream's first `received` bytes, how many may be sent as they are: up to a
    // record end (a cut there splits no record), or all of them once done() without a
    // value that widened. Never less than it returned before.
    std::uint64_t sendable(std::uint64_t received) noexcept;
    // Whether the records before `record_end` (a record end of the stream) may be sent.
    bool passed(std::uint64_t record_end) const noexcept;
    // The whole file has been checked: check.kinds() are its final kinds.
    bool done() const noexcept { return done_; }
    // A value widened a column (past what sendable() allowed before the end).
    bool widened() const noexcept { return widened_; }
    // Waits until run() has checked more of the file (returns at once when done()).
    task<void> progress();
    // Whether run() failed (a read error): nothing more may be sent.
    bool failed() const noexcept { return failed_; }
    // The load failed: run() reads no further.
    void stop() noexcept { stopped_ = true; }

  private:
    csv_value_check& check_;
    // Record ends of the stream before which every value fits the table's first types:
    // one per chunk_size slice checked (those sendable() has not passed yet), the last.
    std::deque<std::uint64_t> ends_;
    std::uint64_t passed_ = 0;
    std::uint64_t sendable_ = 0;
    bool widened_ = false;
    bool done_ = false;
    bool stopped_ = false;
    bool failed_ = false;
    channel<char> wake_{1};  // a token after each step of run(); closed when it ends
};

// send_checked's sending (csv_value_check.hpp; it closes `out`) for a plain file read
// unfiltered (`file`, which `bytes` reads from its start): the check runs ahead over `file`;
// each chunk of `bytes` is sent as far as the check allows; when the check has reached the
// end and a value widened a column, one cut where the sending is (the columns' final types
// on `steps`, then `dummy_header` unless empty), and the rest goes unchecked.
task<void> send_checked_ahead(async_generator<std::span<const std::byte>> bytes,
                              csv_value_check& check, input_file& file, channel<std::string>& out,
                              const std::vector<column_spec>& columns, std::string dummy_header,
                              widening_steps& steps);

}  // namespace uio::etl
