// Fuzz target: formats::tsv_reader (PostgreSQL's text format, .tsv). Each input is parsed
// in two dialects. Oracles, beyond "no crash, no sanitizer report, no leak":
//   - feeding it whole, one byte at a time, or in random chunks gives the same rows, lines,
//     header, or the same error at the same line and column;
//   - what parsed, written back by csv_writer's text format, reads back to the same values
//     (NULL and empty string stay apart).
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "uio/db/formats/csv_writer.hpp"
#include "uio/db/formats/tsv_reader.hpp"

namespace formats = uio::formats;

namespace {

struct outcome {
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::vector<std::uint64_t> lines;
    std::vector<std::string> header;
    std::string error;  // "line:column: reason", empty when it parsed
    bool operator==(const outcome&) const = default;
};

void take(const formats::csv_batch& batch, outcome& out) {
    for (formats::csv_row row : batch) {
        std::vector<std::optional<std::string>> values;
        for (std::size_t i = 0; i < row.size(); ++i) {
            auto f = row[i];
            values.push_back(f ? std::optional<std::string>(*f) : std::nullopt);
        }
        out.rows.push_back(std::move(values));
        out.lines.push_back(row.line());
    }
}

outcome parse(const std::vector<std::string_view>& pieces, const formats::csv_options& options) {
    outcome out;
    formats::tsv_reader reader(options);
    try {
        for (std::string_view piece : pieces) take(reader.feed(piece), out);
        take(reader.finish(), out);
        out.header = reader.header();
    } catch (const formats::parse_error& e) {
        out = outcome{};
        out.error = std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.reason();
        UIO_FUZZ_CHECK(e.line() >= 1 && e.column() >= 1, out.error);
        (void)e.what();
    }
    return out;
}

void check_dialect(std::string_view input, const formats::csv_options& options,
                   std::uint64_t seed) {
    outcome whole = parse({input}, options);
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    UIO_FUZZ_CHECK(parse(bytes, options) == whole, "one byte per feed differs from one feed");
    UIO_FUZZ_CHECK(parse(uio::fuzz::chunks(input, seed), options) == whole,
                   "random chunks differ from one feed");
    if (!whole.error.empty()) return;

    formats::csv_writer writer(options);
    std::string written;
    if (options.header && !whole.header.empty()) writer.write_header(whole.header, written);
    for (const auto& row : whole.rows) {
        std::vector<formats::field> fields;
        for (const auto& v : row) fields.push_back(v ? formats::field(*v) : std::nullopt);
        writer.write_row(fields, written);
    }
    outcome again = parse({written}, options);
    UIO_FUZZ_CHECK(again.error.empty(), again.error);
    UIO_FUZZ_CHECK(again.rows == whole.rows, "the text format written reads back to other values");
    if (options.header && !whole.header.empty()) {
        UIO_FUZZ_CHECK(again.header == whole.header, "header differs after a round trip");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::uint64_t seed = uio::fuzz::hash(input);
    check_dialect(input, {.delimiter = '\t', .source = "fuzz.tsv", .text_format = true}, seed);
    check_dialect(input,
                  {.delimiter = ';',
                   .header = false,
                   .null_string = std::string("NULL"),
                   .source = "fuzz.tsv",
                   .allow_ragged = true,
                   .text_format = true},
                  seed);
    return 0;
}
