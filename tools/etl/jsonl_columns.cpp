#include "jsonl_columns.hpp"

#include <algorithm>

namespace uio::etl {

namespace {

// What one column's sample values were, by JSON type (nulls tell nothing).
struct json_kinds {
    kind_inference numbers;  // over numbers and booleans as 0/1, like SQLite stores them
    bool any = false, strings = false, numbers_seen = false, booleans = false, nested = false;
    bool canonical = true;  // every number reads back as the same text (bigint/float8)

    void observe(formats::json_field f) {
        switch (f.kind) {
            case formats::json_kind::null_value:
                return;
            case formats::json_kind::number:
                numbers.observe(f.text);
                numbers_seen = true;
                if (!parse_canonical_integer(f.text) && !parse_canonical_real(f.text)) {
                    canonical = false;
                }
                break;
            case formats::json_kind::boolean:
                numbers.observe("0");
                booleans = true;
                break;
            case formats::json_kind::string:
                numbers.observe("text");
                strings = true;
                break;
            case formats::json_kind::raw:
                numbers.observe("text");
                nested = true;
                break;
        }
        any = true;
    }

    std::string pg_declared() const {
        int types = int(strings) + int(numbers_seen) + int(booleans) + int(nested);
        if (!any || types != 1 || strings) return "text";
        if (booleans) return "boolean";
        if (nested) return "jsonb";
        if (!canonical) return "numeric";  // "1.50" stays "1.50"
        return numbers.kind() == value_kind::integer ? "bigint" : "double precision";
    }
};

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

}  // namespace

std::vector<column_spec> infer_jsonl_columns(const std::vector<std::string>& keys,
                                             const formats::jsonl_batch& sample,
                                             bool for_postgres) {
    std::vector<json_kinds> kinds(keys.size());
    for (std::size_t n = 0; n < sample.size(); ++n) {
        auto r = sample[n];
        for (std::size_t i = 0; i < keys.size(); ++i) kinds[i].observe(r[i]);
    }
    std::vector<column_spec> out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        value_kind kind = kinds[i].numbers.kind();
        std::string declared = for_postgres ? kinds[i].pg_declared() : std::string();
        if (declared == "boolean" || declared == "jsonb" || declared == "numeric") {
            kind = value_kind::text;
        }
        out.push_back({keys[i], kind, declared});
    }
    return out;
}

jsonl_csv_batch jsonl_to_csv(const formats::jsonl_batch& batch, std::size_t keys,
                             const std::vector<std::uint64_t>& skip) {
    jsonl_csv_batch out;
    out.text.reserve(batch.size() * 64);
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
            switch (f.kind) {
                case formats::json_kind::null_value:
                    break;
                case formats::json_kind::number:
                case formats::json_kind::boolean:
                    out.text += f.text;
                    break;
                case formats::json_kind::string:
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
