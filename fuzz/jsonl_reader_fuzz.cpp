// Fuzz target: formats::jsonl_reader, through its public API only (the implementation may
// change). Oracles, beyond "no crash, no sanitizer report, no leak":
//   - feeding the input whole, one byte at a time, or in random chunks gives the same rows,
//     columns and lines, or the same error at the same line and column;
//   - what parsed, written back by jsonl_writer, reads back to the same kinds and texts
//     (numbers keep their literal text; a key a row lacks reads as null).
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "uio/db/formats/jsonl.hpp"

namespace formats = uio::formats;

namespace {

struct value {
    formats::json_kind kind;
    std::string text;
    bool operator==(const value&) const = default;
};

struct outcome {
    std::vector<std::vector<value>> rows;
    std::vector<std::uint64_t> lines;
    std::vector<std::string> columns;
    std::string error;
    bool operator==(const outcome&) const = default;
};

void take(const formats::jsonl_batch& batch, outcome& out) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
        std::vector<value> row;
        for (std::size_t c = 0; c < batch[i].size(); ++c) {
            formats::json_field f = batch[i][c];
            row.push_back({f.kind, std::string(f.text)});
        }
        out.rows.push_back(std::move(row));
        out.lines.push_back(batch[i].line());
    }
}

outcome parse(const std::vector<std::string_view>& pieces) {
    outcome out;
    formats::jsonl_reader reader("fuzz.jsonl");
    try {
        for (std::string_view piece : pieces) take(reader.feed(piece), out);
        take(reader.finish(), out);
        out.columns = reader.columns();
        for (std::size_t c = 0; c < out.columns.size(); ++c) {
            UIO_FUZZ_CHECK(reader.column_index(out.columns[c]) == c, out.columns[c]);
        }
    } catch (const formats::parse_error& e) {
        out = outcome{};
        out.error = std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.reason();
        UIO_FUZZ_CHECK(e.line() >= 1 && e.column() >= 1, out.error);
    }
    return out;
}

// Row `r` of `o`, padded with nulls to the full column count.
std::vector<value> padded(const outcome& o, std::size_t r) {
    std::vector<value> row = o.rows[r];
    row.resize(o.columns.size(), value{formats::json_kind::null_value, ""});
    return row;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    outcome whole = parse({input});

    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    UIO_FUZZ_CHECK(parse(bytes) == whole, "one byte per feed differs from one feed");
    UIO_FUZZ_CHECK(parse(uio::fuzz::chunks(input, uio::fuzz::hash(input))) == whole,
                   "random chunks differ from one feed");
    if (!whole.error.empty()) return 0;

    formats::jsonl_writer writer(whole.columns);
    std::string written;
    for (const auto& row : whole.rows) {
        std::vector<formats::json_field> fields;
        for (const auto& v : row) fields.push_back({v.kind, v.text});
        writer.write_row(fields, written);
    }
    outcome again = parse({written});
    UIO_FUZZ_CHECK(again.error.empty(), again.error);
    UIO_FUZZ_CHECK(again.columns == whole.columns, "columns differ after a round trip");
    UIO_FUZZ_CHECK(again.rows.size() == whole.rows.size(), "row count differs after a round trip");
    for (std::size_t r = 0; r < whole.rows.size(); ++r) {
        UIO_FUZZ_CHECK(padded(again, r) == padded(whole, r), written);
    }
    return 0;
}
