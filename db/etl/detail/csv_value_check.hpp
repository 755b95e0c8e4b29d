// csv_value_check: every value of a CSV load into PostgreSQL checked on our side.
//
// COPY reads each value with its column type's input function, which is lenient: "007"
// into bigint is 7, "yes" into boolean is t, "2024-03-10 01:30:00" into date drops the time,
// "+05:30" is moved to UTC. In a table the load creates with inferred types, such a value
// must widen its column instead (column_types.hpp: value_fits), so the bytes going to COPY
// are also parsed here, on the thread pool, before they are sent, and every value of a
// column with an inferred type other than text is checked by the rules the sample was. A
// value that does not fit widens the column in kinds() (later values are checked against
// the wider kind), and the load widens the column where it is (postgres_widen_in_place.hpp).
//
// The scan is only a check, cut to what it needs (fields, quotes, NULLs: no UTF-8 check, no
// rows stored, ~4x cheaper than csv_reader); the server parses what it is sent on its own.
// Rows the server refuses anyway (a ragged row) are left to it, so its errors, their lines
// and --max-errors stay as they are. failure() is kept for a scan that cannot go on (none
// today: quotes are read as COPY reads them).
//
// The dialect is the load's: a `.tsv` (csv.text_format) is read as PostgreSQL's text format,
// as the server reads it (no quotes, fields split on an unescaped delimiter, the raw `\N`
// or --null is NULL), and each value is compared after the server's unescaping
// (text_format_field.hpp), which is what the column stores. Empty lines in a table of
// several columns are no records (the loads leave them out: csv_record_filter,
// send_without_blank_lines), so the check skips them too, also before the header; a field
// the escapes cannot decode is left to the server's error.
#pragma once

#include <array>
#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "uio/core/async_generator.hpp"
#include "uio/core/channel.hpp"
#include "uio/core/task.hpp"

#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/input_file.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/formats/csv_options.hpp"

namespace uio::etl {

class csv_value_check {
  public:
    // `kinds`: one per input column; text (or mixed) columns are not checked.
    csv_value_check(formats::csv_options csv, std::vector<value_kind> kinds);

    // Whether any column is checked at all (else there is no need to parse).
    bool active() const noexcept { return checking_ > 0; }
    // The next bytes of the stream, and its end. One call at a time, on any thread.
    void feed(std::string_view bytes);
    void finish();

    // Whether a value did not fit its column's kind, and the kinds after widening.
    bool widened() const noexcept { return widened_; }
    // How many records have widened a column so far.
    std::uint64_t widenings() const noexcept { return widenings_; }
    // Where in the last feed's bytes the last whole record (or empty line) ends, just past
    // its line end; npos when none ends there. A stream cut there cuts no record in two
    // (the load widens in place at such a cut: postgres_widen_in_place.hpp). With no column
    // left to check, the whole feed.
    std::size_t record_end() const noexcept { return record_end_; }
    const std::vector<value_kind>& kinds() const noexcept { return kinds_; }
    // What our parser refused, if anything (it stops checking there).
    const std::exception_ptr& failure() const noexcept { return failure_; }

  private:
    // Whether `text` (not NULL) fits column `c`; if not, the widening is pending.
    void check_value(std::size_t c, std::string_view text);
    // The text format (csv.text_format): whole lines, each once complete.
    void feed_text(std::string_view bytes);
    void text_line(std::string_view line);
    // The field that just ended (`text`, quoted or not) of column `column_`.
    void end_field(std::string_view text);
    void end_record() noexcept;
    // Whether the field in progress is a value that is checked (else its text is not kept).
    bool keeps_field() const noexcept {
        return !header_pending_ && column_ < checked_.size() && checked_[column_];
    }

    formats::csv_options csv_;
    std::vector<value_kind> kinds_;
    std::vector<bool> checked_;  // per column: its values are checked
    std::size_t checking_ = 0;   // how many are
    bool widened_ = false;
    std::uint64_t widenings_ = 0;
    std::size_t record_end_ = std::string_view::npos;
    std::exception_ptr failure_;

    // The scan, carried across feeds. Quotes toggle as COPY's CSV mode reads them (one
    // anywhere in a field opens a quoted part; a doubled one inside is a quote).
    bool header_pending_;
    std::array<bool, 256> special_{};  // the quote, the delimiter, '\n' and '\r'
    bool in_quotes_ = false;
    bool quote_pending_ = false;  // a quote inside quotes: closing, or the first of two
    bool quoted_ = false;         // the field in progress had a quote
    std::size_t column_ = 0;
    std::string field_;  // the field in progress, when it spans feeds or had quotes
    bool field_carried_ = false;
    // Misfits of the record in progress: applied when it ends with the table's width.
    std::vector<std::pair<std::size_t, value_kind>> pending_;
    // The text format's: the line in progress when it spans feeds, a decoded value.
    std::string line_;
    std::string value_;
};

// The inferred kinds of `columns` to check (text for the others), when the load created
// the table with those columns; empty otherwise.
std::vector<value_kind> checked_kinds(const std::vector<column_spec>& columns, bool created);

// Moves the kinds `check` widened into `columns` (the next attempt's source columns);
// returns whether any changed.
bool apply_widening(const csv_value_check& check, std::vector<column_spec>& columns);

// Sends the bytes of `bytes` on `out`, each chunk once `check` has checked it on the thread
// pool (the COPY sends the chunk before while the pool checks the next), cut at the last
// record end of each chunk (the rest goes with the next), then closes `out` (with `stopped`
// set on a failure, so the COPY fails instead of committing). Before a chunk in which a
// value widens a column, a cut: an empty chunk, the columns' new types (`columns` with the
// check's kinds) pushed on `steps`, and `dummy_header` (unless empty) as the new COPY's
// first line; postgres_widen_in_place.hpp says what the COPY side does with it.
//
// With `rest` (the plain file `bytes` reads from its start, unfiltered), the check runs
// ahead over the whole file instead and the load cuts once, with the file's final types
// (csv_check_ahead.hpp: send_checked_ahead).
task<void> send_checked(async_generator<std::span<const std::byte>> bytes, csv_value_check& check,
                        channel<std::string>& out, bool& stopped,
                        const std::vector<column_spec>& columns, std::string dummy_header,
                        widening_steps& steps, input_file* rest);

}  // namespace uio::etl
