#include "uio/db/etl/detail/postgres_widen_in_place.hpp"

#include <stdexcept>

#include "uio/db/pg/quote.hpp"

namespace uio::etl {

namespace {

bool is_number_type(const std::string& t) {
    return t == "bigint" || t == "double precision" || t == "numeric" || t == "json";
}

bool is_date_type(const std::string& t) {
    return t == "date" || t == "timestamp" || t == "timestamptz" ||
           t == "timestamp without time zone" || t == "timestamp with time zone";
}

}  // namespace

std::string pg_column_type(const column_spec& c) {
    return c.declared.empty() ? std::string(pg_type(c.kind)) : c.declared;
}

std::string widening_cast(const pg::connection& conn, const std::string& column,
                          const std::string& from, const std::string& to, text_form form) {
    const std::string c = pg::quote_identifier(conn, column);
    if (to == "text") {
        // boolean's cast to text says 'true'; COPY prints t.
        if (from == "boolean") return "case when " + c + " then 't' else 'f' end";
        // row_to_json's form: 2024-03-10T01:30:00, +00:00 (a date's is its text's).
        if (form == text_form::json && is_date_type(from) && from != "date") {
            return "to_jsonb(" + c + ") #>> '{}'";
        }
        return c + "::text";
    }
    // to_jsonb takes a number through its output function (float8out, as the settings
    // print), a json value parsed, the rest as JSON strings and booleans: what loading the
    // value's text would give, and ~1.7x faster than c::text::jsonb (measured in an ALTER).
    if (to == "jsonb") return "to_jsonb(" + c + ")";
    if (to == "json" && is_number_type(from)) return c + "::text::json";
    if (to == "numeric" && from == "bigint") return c + "::numeric";
    // Every widening the checks make is one of the above.
    throw std::logic_error("no exact widening of column " + column + " from " + from + " to " + to);
}

task<bool> alter_widened_columns(pg::connection& conn, std::vector<std::string> tables,
                                 std::vector<column_spec> before, std::vector<column_spec> after,
                                 text_form form) {
    std::string clauses;
    for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) {
        const std::string from = pg_column_type(before[i]);
        const std::string to = pg_column_type(after[i]);
        if (from == to) continue;
        const std::string& name = after[i].name;
        clauses += (clauses.empty() ? " " : ", ") + std::string("alter column ") +
                   pg::quote_identifier(conn, name) + " type " + to + " using " +
                   widening_cast(conn, name, from, to, form);
    }
    if (clauses.empty()) co_return false;
    // The casts print each value as an export does; the settings go back afterwards, as they
    // also decide how COPY reads what follows (a --schema date column in DMY).
    const std::string saved_sql =
        "select current_setting('DateStyle'), current_setting('TimeZone'), "
        "current_setting('extra_float_digits')";
    pg::result saved = co_await conn.fetch(saved_sql);
    const std::string date_style = saved[0][0].as<std::string>();
    const std::string time_zone = saved[0][1].as<std::string>();
    const std::string float_digits = saved[0][2].as<std::string>();
    const std::string set_sql =
        "select set_config('DateStyle', $1, true), set_config('TimeZone', $2, true), "
        "set_config('extra_float_digits', $3, true)";
    const std::string iso = "ISO", utc = "UTC", shortest = "1";
    (void)co_await conn.fetch(set_sql, iso, utc, shortest);
    for (const std::string& table : tables) {
        std::string alter = "alter table " + pg::quote_identifier(conn, table) + clauses;
        co_await conn.execute(alter);
    }
    (void)co_await conn.fetch(set_sql, date_style, time_zone, float_digits);
    co_return true;
}

async_generator<std::span<const std::byte>> segment_bytes(channel<std::string>& in,
                                                          const bool& failed, bool& cut) {
    cut = false;
    while (auto chunk = co_await in.receive()) {
        if (chunk->empty()) {
            cut = true;
            co_return;
        }
        std::string held = std::move(*chunk);
        co_yield std::as_bytes(std::span(held.data(), held.size()));
    }
    if (failed) throw std::runtime_error("the input failed during the load");
}

task<std::int64_t> copy_widening(postgres_table_load& load, std::string first_options,
                                 std::string later_options, channel<std::string>& in,
                                 const bool& stopped, widening_steps& steps, bool dummy_header,
                                 text_form form, std::vector<column_spec>& columns) {
    std::int64_t rows = 0;
    for (bool first = true;;) {
        bool cut = false;
        auto bytes = segment_bytes(in, stopped, cut);
        std::int64_t copied =
            co_await load.copy(first ? first_options : later_options, std::move(bytes));
        rows += copied;
        if (!cut) co_return rows;
        widening_step step = std::move(steps.pending.front());
        steps.pending.pop_front();
        steps.line_offset = static_cast<std::int64_t>(step.lines_before) -
                            (dummy_header && !step.from_start ? 1 : 0);
        const bool changed = co_await load.widen(step.columns, form);
        if (changed) ++steps.done;
        columns = std::move(step.columns);
        first = step.from_start;
    }
}

std::string copy_dummy_header(const formats::csv_options& csv, bool crlf) {
    char c = 'x';
    while (c == csv.quote || c == csv.delimiter) ++c;
    return std::string(1, c) + (crlf ? "\r\n" : "\n");
}

std::vector<column_spec> with_kinds(std::vector<column_spec> columns,
                                    const std::vector<value_kind>& kinds) {
    for (std::size_t i = 0; i < columns.size() && i < kinds.size(); ++i) {
        column_spec& c = columns[i];
        if (!c.inferred || c.kind == kinds[i]) continue;
        c.kind = kinds[i];
        c.declared.clear();
    }
    return columns;
}

}  // namespace uio::etl
