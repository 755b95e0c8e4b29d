#include "uio/db/etl/detail/row_batch.hpp"

#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/formats/csv_writer.hpp"

namespace uio::etl {

namespace {

std::string shorten(std::string_view text) {
    constexpr std::size_t limit = 40;
    if (text.size() <= limit) return std::string(text);
    return std::string(text.substr(0, limit)) + "...";
}

// "'abc' is not an integer". Built by appending: g++ 12 at -O3 reports a false -Wrestrict
// on `"'" + std::string&&` (GCC bug 105329).
std::string not_a(std::string_view text, std::string_view what) {
    std::string out = "'";
    out += shorten(text);
    out += "' is not ";
    out += what;
    return out;
}

// Marks the columns a row that went in did not fit.
void mark_widens(row_batch& out, const std::vector<std::size_t>& misfits, std::size_t columns) {
    if (misfits.empty()) return;
    if (out.widens.empty()) out.widens.resize(columns);
    for (std::size_t i : misfits) out.widens[i] = true;
}

// A JSON value as what it is: numbers as push_natural (a number whose text a double would
// change stays TEXT), booleans as INTEGER 0/1, strings and nested values as TEXT.
value_kind push_json(formats::json_field f, sqlite::packed_rows& out) {
    switch (f.kind) {
        case formats::json_kind::number:
            return push_natural(f.text, out);
        case formats::json_kind::boolean:
            out.push_integer(f.text == "true" ? 1 : 0);
            return value_kind::integer;
        case formats::json_kind::null_value:
        case formats::json_kind::string:
        case formats::json_kind::raw:
            break;
    }
    out.push_text(f.text);
    return value_kind::text;
}

std::string csv_text(const formats::csv_row& row) {
    std::vector<formats::field> fields;
    for (std::size_t i = 0; i < row.size(); ++i) fields.push_back(row[i]);
    std::string out;
    formats::csv_writer(formats::csv_options{}).write_row(fields, out);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace

std::optional<std::string> convert_value(std::optional<std::string_view> text, value_kind kind,
                                         sqlite::packed_rows& out) {
    if (!text) {
        out.push_null();
        return std::nullopt;
    }
    switch (kind) {
        case value_kind::integer:
            if (auto v = parse_integer(*text)) {
                out.push_integer(*v);
                return std::nullopt;
            }
            return not_a(*text, "an integer");
        case value_kind::real:
            if (auto v = parse_real(*text)) {
                out.push_real(*v);
                return std::nullopt;
            }
            return not_a(*text, "a number");
        default:  // text, mixed, and the kinds SQLite stores as text
            break;
    }
    out.push_text(*text);
    return std::nullopt;
}

value_kind push_natural(std::string_view text, sqlite::packed_rows& out) {
    if (auto v = parse_canonical_integer(text)) {
        out.push_integer(*v);
        return value_kind::integer;
    }
    if (auto v = parse_canonical_real(text)) {
        out.push_real(*v);
        return value_kind::real;
    }
    out.push_text(text);
    return value_kind::text;
}

row_batch convert_csv(const formats::csv_batch& batch, std::size_t input_width,
                      const std::vector<std::size_t>& order,
                      const std::vector<column_spec>& columns) {
    row_batch out;
    out.bytes = batch.bytes();
    out.cells.reserve(batch.size() * columns.size());
    out.lines.reserve(batch.size());
    std::vector<std::size_t> misfits;
    for (formats::csv_row r : batch) {
        const std::size_t row_start = out.cells.cells();
        std::optional<std::string> problem;
        misfits.clear();
        if (r.size() != input_width) {
            problem =
                std::to_string(r.size()) + " fields instead of " + std::to_string(input_width);
        }
        for (std::size_t i = 0; i < columns.size() && !problem; ++i) {
            const column_spec& c = columns[i];
            std::optional<std::string_view> text = r[order[i]];
            if (c.inferred && text && c.kind != value_kind::text) {
                // Stored as what it is; checked by the sample's rules (an integer goes into
                // a REAL column only if the double prints it back the same).
                value_kind natural = push_natural(*text, out.cells);
                if (!natural_fits(c.kind, natural, *text)) misfits.push_back(i);
            } else if (auto why = convert_value(text, c.kind, out.cells)) {
                problem = "column " + c.name + ": " + *why;
            }
        }
        if (problem) {
            out.cells.truncate(row_start);  // no half row
            out.rejects.push_back({r.line(), std::move(*problem), csv_text(r)});
            continue;
        }
        mark_widens(out, misfits, columns.size());
        out.lines.push_back(r.line());
    }
    return out;
}

row_batch convert_jsonl(const formats::jsonl_batch& batch, std::size_t known_keys,
                        const std::vector<std::size_t>& order,
                        const std::vector<column_spec>& columns) {
    row_batch out;
    for (const auto& bad : batch.bad_lines)
        out.rejects.push_back({bad.line, bad.reason, bad.text, bad.column});
    std::vector<std::size_t> misfits;
    for (std::size_t n = 0; n < batch.size(); ++n) {
        auto r = batch[n];
        const std::size_t row_start = out.cells.cells();
        std::optional<std::string> problem;
        misfits.clear();
        for (std::size_t k = known_keys; k < r.size() && !problem; ++k) {
            if (!r[k].is_null()) problem = "a key that is not a column of the table";
        }
        for (std::size_t i = 0; i < columns.size() && !problem; ++i) {
            formats::json_field f = r[order[i]];
            if (columns[i].inferred && !f.is_null()) {
                // A number in a DECIMAL_TEXT column as its text; else as what it is.
                if (f.kind == formats::json_kind::number &&
                    columns[i].declared == sqlite_json_number) {
                    out.cells.push_text(f.text);
                } else {
                    push_json(f, out.cells);
                }
                if (!fits_sqlite_json(columns[i], f)) misfits.push_back(i);
                continue;
            }
            std::optional<std::string_view> text;
            if (!f.is_null()) text = f.text;
            if (f.kind == formats::json_kind::boolean) text = f.text == "true" ? "1" : "0";
            if (f.kind == formats::json_kind::string && columns[i].kind != value_kind::text) {
                problem = "column " + columns[i].name + ": a string where a number belongs";
                break;
            }
            if (auto why = convert_value(text, columns[i].kind, out.cells)) {
                problem = "column " + columns[i].name + ": " + *why;
            }
        }
        if (problem) {
            out.cells.truncate(row_start);  // no half row
            out.rejects.push_back({r.line(), std::move(*problem), {}});
            continue;
        }
        mark_widens(out, misfits, columns.size());
        out.lines.push_back(r.line());
    }
    return out;
}

}  // namespace uio::etl
