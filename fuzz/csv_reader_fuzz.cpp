// Fuzz target: formats::csv_reader. Each input is a CSV document, parsed in four dialects,
// with the oracle of delimited_round_trip.hpp.
#include "delimited_round_trip.hpp"
#include "uio/db/formats/csv_reader.hpp"

namespace formats = uio::formats;

namespace {

// The round trip writes in the same dialect, CRLF or LF as the seed says.
void check_dialect(std::string_view input, const formats::csv_options& options,
                   std::uint64_t seed) {
    formats::csv_options write_options = options;
    write_options.crlf = (seed & 1) != 0;
    uio::fuzz::check_delimited<formats::csv_reader>(input, options, write_options, seed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::uint64_t seed = uio::fuzz::hash(input);
    check_dialect(input, {.source = "fuzz.csv"}, seed);
    check_dialect(input, {.delimiter = '\t', .header = false, .source = "fuzz.tsv"}, seed);
    check_dialect(input, {.quote = '\'', .null_string = std::string("\\N"), .source = "fuzz.csv"},
                  seed);
    check_dialect(input,
                  {.delimiter = ';', .header = false, .source = "fuzz.csv", .allow_ragged = true},
                  seed);
    return 0;
}
