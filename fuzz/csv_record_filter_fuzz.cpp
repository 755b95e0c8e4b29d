// Fuzz target: etl::csv_record_filter, which leaves rejected records out of a CSV stream and
// maps PostgreSQL's COPY error line (where a record ends, in the filtered stream) back to the
// line of the file where that record starts. Oracles, beyond "no crash":
//   - neither the kept bytes nor the answer depend on how the input is chunked;
//   - with nothing to skip, the output is the input;
//   - an answer is a line of the input (it may lie after the line asked for: PostgreSQL does
//     not count the first record's quoted newlines, see csv_record_filter.cpp);
//   - on input csv_reader accepts whose first record is one line (so PostgreSQL's line count
//     is the physical one), it names the start line of the row csv_reader says holds that
//     line: two independent parsers agree.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "uio/db/etl/detail/csv_record_filter.hpp"
#include "uio/db/formats/csv_reader.hpp"

namespace {

struct filtered {
    std::string kept;
    std::optional<std::uint64_t> record_start;
    bool operator==(const filtered&) const = default;
};

filtered run(const std::vector<std::string_view>& pieces, char quote,
             const std::vector<std::uint64_t>& skip, std::uint64_t wanted) {
    uio::etl::csv_record_filter filter(quote, skip, wanted);
    filtered out;
    for (std::string_view piece : pieces) filter.feed(piece, &out.kept);
    filter.finish();
    out.record_start = filter.record_start();
    return out;
}

// Start lines of the rows csv_reader finds, or nullopt if it rejects the input.
std::optional<std::vector<std::uint64_t>> row_starts(std::string_view input) {
    std::vector<std::uint64_t> starts;
    try {
        uio::formats::csv_reader reader({.header = false, .allow_ragged = true});
        for (auto row : reader.feed(input)) starts.push_back(row.line());
        for (auto row : reader.finish()) starts.push_back(row.line());
    } catch (const uio::formats::parse_error&) {
        return std::nullopt;
    }
    return starts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::uint64_t seed = uio::fuzz::hash(input);
    std::uint64_t lines =
        1 + static_cast<std::uint64_t>(std::count(input.begin(), input.end(), '\n'));
    const std::vector<std::uint64_t> nothing;
    std::vector<std::uint64_t> some;  // a seed-chosen, sorted set of lines to skip
    for (std::uint64_t line = 1; line <= lines; ++line) {
        if ((seed >> (line % 61)) & 1) some.push_back(line);
    }
    for (char quote : {'"', '\''}) {
        for (std::uint64_t wanted = 1; wanted <= lines + 1; ++wanted) {
            auto whole = run({input}, quote, nothing, wanted);
            auto pieces = run(uio::fuzz::chunks(input, seed + wanted), quote, nothing, wanted);
            UIO_FUZZ_CHECK(whole == pieces, "chunked answer differs");
            UIO_FUZZ_CHECK(whole.kept == input, "nothing skipped, yet the output differs");
            if (whole.record_start) {
                UIO_FUZZ_CHECK(*whole.record_start >= 1 && *whole.record_start <= lines,
                               "answer out of range");
            }
        }
        auto skipped = run({input}, quote, some, 1);
        auto skipped_pieces = run(uio::fuzz::chunks(input, seed), quote, some, 1);
        UIO_FUZZ_CHECK(skipped == skipped_pieces, "chunked filtering differs");
        UIO_FUZZ_CHECK(skipped.kept.size() <= input.size(), "filtering added bytes");
    }
    if (input.find('\r') != std::string_view::npos) return 0;  // csv_reader's line ends differ
    auto starts = row_starts(input);
    if (!starts || starts->size() < 2 || (*starts)[1] != 2) return 0;
    for (std::uint64_t wanted = 1; wanted <= starts->back(); ++wanted) {
        // The row holding `wanted` is the last one starting at or before it.
        std::uint64_t expected =
            *std::prev(std::upper_bound(starts->begin(), starts->end(), wanted));
        auto got = run({input}, '"', nothing, wanted).record_start;
        UIO_FUZZ_CHECK(got == expected,
                       "filter and csv_reader disagree on line " + std::to_string(wanted) + ": " +
                           std::to_string(got.value_or(0)) + " vs " + std::to_string(expected));
    }
    return 0;
}
