// The oracle the CSV and text-format (.tsv) fuzz targets share, for a reader of
// formats::csv_options (csv_reader or tsv_reader), beyond "no crash, no sanitizer report":
//   - feeding it whole, one byte at a time, or in random chunks gives the same rows, lines,
//     header, or the same error at the same line and column;
//   - what parsed, written back by csv_writer in the same dialect, reads back to the same
//     values (NULL and empty string stay apart).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "uio/db/formats/csv_batch.hpp"
#include "uio/db/formats/csv_options.hpp"
#include "uio/db/formats/csv_writer.hpp"
#include "uio/db/formats/parse_error.hpp"

namespace uio::fuzz {

struct delimited_outcome {
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::vector<std::uint64_t> lines;
    std::vector<std::string> header;
    std::string error;  // "line:column: reason", empty when it parsed
    bool operator==(const delimited_outcome&) const = default;
};

inline void take(const formats::csv_batch& batch, delimited_outcome& out) {
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

template <class Reader>
delimited_outcome parse_delimited(const std::vector<std::string_view>& pieces,
                                  const formats::csv_options& options) {
    delimited_outcome out;
    Reader reader(options);
    try {
        for (std::string_view piece : pieces) take(reader.feed(piece), out);
        take(reader.finish(), out);
        out.header = reader.header();
    } catch (const formats::parse_error& e) {
        out = delimited_outcome{};
        out.error = std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.reason();
        UIO_FUZZ_CHECK(e.line() >= 1 && e.column() >= 1, out.error);
        (void)e.what();
        (void)e.excerpt();
    }
    return out;
}

// `write_options`: the dialect the round trip writes in (the read dialect, or it with
// another line ending).
template <class Reader>
void check_delimited(std::string_view input, const formats::csv_options& options,
                     const formats::csv_options& write_options, std::uint64_t seed) {
    delimited_outcome whole = parse_delimited<Reader>({input}, options);

    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    UIO_FUZZ_CHECK(parse_delimited<Reader>(bytes, options) == whole,
                   "one byte per feed differs from one feed");
    UIO_FUZZ_CHECK(parse_delimited<Reader>(chunks(input, seed), options) == whole,
                   "random chunks differ from one feed");
    if (!whole.error.empty()) return;

    formats::csv_writer writer(write_options);
    std::string written;
    if (options.header && !whole.header.empty()) writer.write_header(whole.header, written);
    for (const auto& row : whole.rows) {
        std::vector<formats::field> fields;
        for (const auto& v : row) fields.push_back(v ? formats::field(*v) : std::nullopt);
        writer.write_row(fields, written);
    }
    delimited_outcome again = parse_delimited<Reader>({written}, options);
    UIO_FUZZ_CHECK(again.error.empty(), again.error);
    UIO_FUZZ_CHECK(again.rows == whole.rows, "what the writer wrote reads back to other values");
    if (options.header && !whole.header.empty()) {
        UIO_FUZZ_CHECK(again.header == whole.header, "header differs after a round trip");
    }
}

}  // namespace uio::fuzz
