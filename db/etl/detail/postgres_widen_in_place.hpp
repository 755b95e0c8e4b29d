// postgres_widen_in_place: a column of a table the load creates widens where the load is,
// without starting again. The producer (the value check, csv_value_check.hpp, or the JSON
// Lines conversion) cuts the stream at a record boundary before the first record that does
// not fit: it sends a cut (an empty chunk) and notes the columns' wider types in a
// widening_step; the COPY side ends the COPY at the cut, runs ALTER TABLE ... ALTER COLUMN
// ... TYPE ... USING on the rows already loaded, in the same transaction (or, over
// --connections, on the control connection once every stream has ended its COPY, on the
// staging table: parallel_load.hpp), and starts a new COPY for the rest. Nothing is read or
// sent twice, and a failure later still rolls everything back.
//
// Exact: every value loaded before the cut fit the narrow type by the value check's rule
// (value_fits, json_column_kinds::fits_pg), which is "the server prints it back as it came".
// So the cast takes the server's own output of each value, under the settings an export
// prints with (DateStyle ISO, TimeZone UTC, extra_float_digits 1; set for the ALTER only,
// then restored, as they also decide how COPY reads later values of --schema columns):
//   to text       c::text: int8out, numeric_out (keeps "1.50"), float8out (shortest, as
//                 extra_float_digits 1 prints), date_out, timestamp(tz)_out — except
//                 boolean, whose cast says 'true': CASE WHEN c THEN 't' ELSE 'f' END
//                 (COPY's t/f); JSON Lines timestamps: to_jsonb(c) #>> '{}'
//                 ("2024-03-10T01:30:00", as row_to_json prints them)
//   to numeric    c::numeric, from bigint only (canonical integers print the same)
//   to json       c::text::json, from numbers: the text is kept as it is
//   to jsonb      to_jsonb(c): numbers through their output function (as loading their
//                 text would parse them), strings stay JSON strings, as the load sends them
// JSON Lines kinds that widen also take in a value standing for every value the narrow kind
// took (json_column_kinds::cover_fitting), so bigint never becomes double precision (2^53+1
// would round) and double precision never numeric (1e+15 would print in full).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "uio/core/async_generator.hpp"
#include "uio/core/channel.hpp"
#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::etl {

// One cut: the columns' types from there on, and how many line ends of the stream went to
// COPY before it (to turn a later COPY error's line back into the stream's).
struct widening_step {
    std::vector<column_spec> columns;
    std::uint64_t lines_before = 0;
    // Nothing was sent before the cut: the next COPY takes the stream from its start, with
    // the first COPY's options (and no dummy header).
    bool from_start = false;
};

// The cuts between a producer and its COPY side. Loop thread only.
struct widening_steps {
    std::deque<widening_step> pending;  // pushed at each cut, taken when the COPY reaches it
    std::uint64_t done = 0;             // ALTERs made (--stats=json: widenings)
    // A COPY error's line in the current COPY plus this is the stream's line.
    std::int64_t line_offset = 0;
};

// The USING expression that widens `column` from type `from` to type `to` (as declared:
// "bigint", "double precision", ...) keeping each value's text (see above); `form` says
// how dates and timestamps were written in the input.
std::string widening_cast(const pg::connection& conn, const std::string& column,
                          const std::string& from, const std::string& to, text_form form);

// The type a column is created with: its declared type, else its kind's.
std::string pg_column_type(const column_spec& c);

// ALTER TABLE on each of `tables` for every column whose type differs between `before` and
// `after`, under the export settings (see above), in the caller's transaction. Returns
// whether any column changed.
task<bool> alter_widened_columns(pg::connection& conn, std::vector<std::string> tables,
                                 std::vector<column_spec> before, std::vector<column_spec> after,
                                 text_form form);

// The chunks from `in` as bytes for one COPY: until a cut (an empty chunk; sets `cut`) or
// the channel's close. A producer that closed it early sets `failed` first (channel_bytes).
async_generator<std::span<const std::byte>> segment_bytes(channel<std::string>& in,
                                                          const bool& failed, bool& cut);

// The COPYs of one load attempt into `load`, each up to a cut on `in`, the first with
// `first_options`, the others with `later_options` (their first line a dummy header when
// `dummy_header`), and between them load.widen() to the cut's step; `columns` follows the
// table's columns. Returns the rows of all of them.
task<std::int64_t> copy_widening(postgres_table_load& load, std::string first_options,
                                 std::string later_options, channel<std::string>& in,
                                 const bool& stopped, widening_steps& steps, bool dummy_header,
                                 text_form form, std::vector<column_spec>& columns);

// A line that HEADER true skips, at the start of a COPY that carries on after a cut or on
// another connection: one character that is neither quote nor delimiter, and the file's line
// ending, from which the server learns it before the first record (else its count of lines
// in that record's quoted newlines, and so its "line N", would be off).
std::string copy_dummy_header(const formats::csv_options& csv, bool crlf);

// `columns` with `kinds` (one per column) for the inferred ones that changed, whose declared
// type is then dropped (the kind's type is used).
std::vector<column_spec> with_kinds(std::vector<column_spec> columns,
                                    const std::vector<value_kind>& kinds);

}  // namespace uio::etl
