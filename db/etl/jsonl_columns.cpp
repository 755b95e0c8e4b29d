#include "uio/db/etl/detail/jsonl_columns.hpp"

#include <algorithm>

namespace uio::etl {

namespace {

void append_quoted(std::string_view text, std::string& out) {
    out += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '"') continue;
        out.append(text.substr(run, i + 1 - run));
        out += '"';
        run = i + 1;
    }
    out.append(text.substr(run));
    out += '"';
}

// Notes that `f` does not fit column `i`'s type, with the column's kinds widened by it.
void widen(jsonl_csv_batch& out, std::size_t i, const json_column_kinds& guess,
           formats::json_field f) {
    auto it = std::find_if(out.widened.begin(), out.widened.end(),
                           [i](const auto& w) { return w.first == i; });
    if (it == out.widened.end()) {
        it = out.widened.insert(out.widened.end(), {i, guess});
        it->second.cover_fitting();
    }
    it->second.observe(f);
}

constexpr value_kind string_forms[3] = {value_kind::date, value_kind::timestamp,
                                        value_kind::timestamptz};

}  // namespace

json_column_kinds::pg_kind json_column_kinds::string_kind(const bool (&forms)[3]) noexcept {
    if (forms[0]) return pg_kind::date;
    if (forms[1]) return pg_kind::timestamp;
    if (forms[2]) return pg_kind::timestamptz;
    return pg_kind::text;
}

void json_column_kinds::observe(formats::json_field f) {
    switch (f.kind) {
        case formats::json_kind::null_value:
            return;
        case formats::json_kind::number:
            numbers_.observe(f.text);
            numbers_seen_ = true;
            break;
        case formats::json_kind::boolean:
            booleans_ = true;
            break;
        case formats::json_kind::string:
            strings_ = true;
            for (int i = 0; i < 3; ++i) {
                forms_[i] =
                    forms_[i] && postgres_text_form(string_forms[i], f.text, text_form::json);
            }
            break;
        case formats::json_kind::raw:
            nested_ = true;
            break;
    }
    any_ = true;
}

column_spec json_column_kinds::sqlite_column(std::string name) const {
    column_spec c{std::move(name), value_kind::text, {}, true};
    int types = int(strings_) + int(numbers_seen_) + int(booleans_) + int(nested_);
    if (types > 1) {
        c.kind = value_kind::mixed;
    } else if (booleans_) {
        c.kind = value_kind::integer;
        c.declared = sqlite_json_boolean;
    } else if (nested_) {
        c.declared = sqlite_json_nested;
    } else if (numbers_seen_) {
        c.kind = numbers_.kind();
        if (c.kind != value_kind::integer && c.kind != value_kind::real) {
            c.kind = value_kind::text;
            c.declared = sqlite_json_number;
        }
    }
    return c;
}

json_column_kinds::pg_kind json_column_kinds::pg() const noexcept {
    int types = int(strings_) + int(numbers_seen_) + int(booleans_) + int(nested_);
    if (types > 1) return pg_kind::mixed;
    if (!any_) return pg_kind::text;
    if (strings_) return string_kind(forms_);
    if (booleans_) return pg_kind::boolean;
    if (nested_) return pg_kind::jsonb;
    // Integers and decimals together are numeric, never a double, which would round the
    // integers past 2^53; "1.50" stays "1.50".
    switch (numbers_.kind()) {
        case value_kind::integer:
            return pg_kind::bigint;
        case value_kind::real:
            return pg_kind::float8;
        case value_kind::decimal:
            return pg_kind::numeric;
        default:
            break;
    }
    // Numbers numeric would print otherwise (1e5 as 100000, -0 as 0): json keeps their text.
    return pg_kind::json_number;
}

const char* json_column_kinds::pg_type() const noexcept {
    switch (pg()) {
        case pg_kind::boolean:
            return "boolean";
        case pg_kind::jsonb:
        case pg_kind::mixed:
            return "jsonb";
        case pg_kind::date:
            return "date";
        case pg_kind::timestamp:
            return "timestamp";
        case pg_kind::timestamptz:
            return "timestamptz";
        case pg_kind::numeric:
            return "numeric";
        case pg_kind::json_number:
            return "json";
        case pg_kind::bigint:
            return "bigint";
        case pg_kind::float8:
            return "double precision";
        case pg_kind::text:
            break;
    }
    return "text";
}

void json_column_kinds::cover_fitting() noexcept {
    switch (pg()) {
        case pg_kind::bigint:
            numbers_.observe("9007199254740993");  // no double: never double precision
            break;
        case pg_kind::float8:
            numbers_.observe("1e+15");  // numeric would print it in full
            break;
        case pg_kind::numeric:
            numbers_.observe("0.50");  // a double would print 0.5
            break;
        case pg_kind::text:
            // Nothing seen in the sample, or strings of no one form: any string.
            any_ = strings_ = true;
            for (bool& f : forms_) f = false;
            break;
        default:
            break;  // the others take every value of their JSON type already
    }
}

bool json_column_kinds::fits_pg(formats::json_field f) const noexcept {
    // What observe(f) would leave as it is, without a copy: this runs for every value.
    switch (f.kind) {
        case formats::json_kind::null_value:
            return true;
        case formats::json_kind::string: {
            if (pg() == pg_kind::mixed) return true;
            if (any_ && !strings_) return false;  // a second JSON type: jsonb
            bool forms[3];
            for (int i = 0; i < 3; ++i) {
                forms[i] =
                    forms_[i] && postgres_text_form(string_forms[i], f.text, text_form::json);
            }
            return string_kind(forms) == pg();
        }
        case formats::json_kind::boolean:
            return pg() == pg_kind::boolean || pg() == pg_kind::mixed;
        case formats::json_kind::raw:
            return pg() == pg_kind::jsonb || pg() == pg_kind::mixed;
        case formats::json_kind::number:
            break;
    }
    switch (pg()) {
        case pg_kind::json_number:
        case pg_kind::mixed:
            return true;
        case pg_kind::numeric:
            return value_fits(value_kind::decimal, f.text);
        case pg_kind::bigint:
            return parse_canonical_integer(f.text).has_value();
        case pg_kind::float8:
            return value_fits(value_kind::real, f.text);
        case pg_kind::text:
        case pg_kind::boolean:
        case pg_kind::jsonb:
        case pg_kind::date:
        case pg_kind::timestamp:
        case pg_kind::timestamptz:
            break;
    }
    return false;
}

bool fits_sqlite_json(const column_spec& c, formats::json_field f) noexcept {
    if (f.is_null() || c.kind == value_kind::mixed) return true;
    const std::string_view declared = c.declared;
    if (declared == sqlite_json_boolean) return f.kind == formats::json_kind::boolean;
    if (declared == sqlite_json_nested) return f.kind == formats::json_kind::raw;
    if (declared == sqlite_json_number) return f.kind == formats::json_kind::number;
    switch (c.kind) {
        case value_kind::integer:
        case value_kind::real:
            return f.kind == formats::json_kind::number && value_fits(c.kind, f.text);
        case value_kind::text:
            return f.kind == formats::json_kind::string;
        default:
            break;
    }
    return true;
}

std::vector<json_column_kinds> observe_jsonl_columns(const std::vector<std::string>& keys,
                                                     const formats::jsonl_batch& sample) {
    std::vector<json_column_kinds> kinds(keys.size());
    for (std::size_t n = 0; n < sample.size(); ++n) {
        auto r = sample[n];
        for (std::size_t i = 0; i < keys.size(); ++i) kinds[i].observe(r[i]);
    }
    return kinds;
}

column_spec jsonl_column(std::string name, const json_column_kinds& kinds, bool for_postgres) {
    if (!for_postgres) return kinds.sqlite_column(std::move(name));
    std::string declared = kinds.pg_type();
    value_kind kind = kind_from_pg_type(declared);
    return {std::move(name), kind, std::move(declared), true};
}

std::vector<column_spec> infer_jsonl_columns(const std::vector<std::string>& keys,
                                             const formats::jsonl_batch& sample,
                                             bool for_postgres) {
    std::vector<json_column_kinds> kinds = observe_jsonl_columns(keys, sample);
    std::vector<column_spec> out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        out.push_back(jsonl_column(keys[i], kinds[i], for_postgres));
    }
    return out;
}

jsonl_csv_batch jsonl_to_csv(const formats::jsonl_batch& batch, std::size_t keys,
                             const std::vector<std::uint64_t>& skip,
                             const std::vector<const json_column_kinds*>& guesses) {
    jsonl_csv_batch out;
    for (const auto& bad : batch.bad_lines)
        out.rejects.push_back({bad.line, bad.reason, bad.text, bad.column});
    out.text.reserve(batch.size() * 64);
    std::string json;  // a string as JSON, for a mixed column
    for (std::size_t n = 0; n < batch.size(); ++n) {
        auto r = batch[n];
        if (!skip.empty() && std::binary_search(skip.begin(), skip.end(), r.line())) continue;
        bool unknown = false;
        for (std::size_t k = keys; k < r.size() && !unknown; ++k) unknown = !r[k].is_null();
        if (unknown) {
            out.rejects.push_back({r.line(), "a key that is not a column of the table", {}});
            continue;
        }
        std::uint32_t newlines = 0;
        for (std::size_t i = 0; i < keys; ++i) {
            if (i) out.text += ',';
            formats::json_field f = r[i];
            const json_column_kinds* guess = i < guesses.size() ? guesses[i] : nullptr;
            if (guess && !guess->fits_pg(f)) widen(out, i, *guess, f);
            switch (f.kind) {
                case formats::json_kind::null_value:
                    break;
                case formats::json_kind::number:
                case formats::json_kind::boolean:
                    out.text += f.text;
                    break;
                case formats::json_kind::string:
                    if (guess && guess->mixed_json()) {  // no line ends: JSON escapes them
                        json.clear();
                        formats::append_json_string(f.text, json);
                        append_quoted(json, out.text);
                        break;
                    }
                    [[fallthrough]];
                case formats::json_kind::raw:
                    newlines +=
                        static_cast<std::uint32_t>(std::count(f.text.begin(), f.text.end(), '\n'));
                    append_quoted(f.text, out.text);
                    break;
            }
        }
        out.text += '\n';
        out.lines.push_back(r.line());
        out.newlines.push_back(newlines);
    }
    return out;
}

}  // namespace uio::etl
