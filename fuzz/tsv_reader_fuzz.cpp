// Fuzz target: formats::tsv_reader (PostgreSQL's text format, .tsv). Each input is parsed
// in two dialects, with the oracle of delimited_round_trip.hpp.
#include "delimited_round_trip.hpp"
#include "uio/db/formats/tsv_reader.hpp"

namespace formats = uio::formats;

namespace {

void check_dialect(std::string_view input, const formats::csv_options& options,
                   std::uint64_t seed) {
    uio::fuzz::check_delimited<formats::tsv_reader>(input, options, options, seed);
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
