// Fuzz target: ucopy's command line (ucopy::parse_command_line). An input is the argument
// list, one argument per line, argv[0] excluded. Oracles, beyond "no crash, no exception
// escapes": an accepted command line names at least one source, and its numbers are inside
// the ranges --help documents; a refused one exits 0 (help, version) or 2 (usage).
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (input.find('\0') != std::string_view::npos) return 0;  // argv strings cannot hold NUL
    std::vector<std::string> args{"ucopy"};
    for (std::size_t at = 0; at <= input.size();) {
        std::size_t nl = input.find('\n', at);
        if (nl == std::string_view::npos) nl = input.size();
        if (nl > at || nl < input.size()) args.emplace_back(input.substr(at, nl - at));
        at = nl + 1;
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    ucopy::parse_outcome o = ucopy::parse_command_line(static_cast<int>(args.size()), argv.data());
    if (!o.parsed) {
        UIO_FUZZ_CHECK(o.exit_code == ucopy::exit_ok || o.exit_code == ucopy::exit_usage, input);
        return 0;
    }
    const ucopy::options& opt = *o.parsed;
    UIO_FUZZ_CHECK(o.exit_code == ucopy::exit_ok, input);
    UIO_FUZZ_CHECK(!opt.sources.empty(), input);
    UIO_FUZZ_CHECK(opt.threads <= 256, input);
    UIO_FUZZ_CHECK(opt.queue_depth >= 1 && opt.queue_depth <= 4096, input);
    UIO_FUZZ_CHECK(opt.walkers >= 1 && opt.walkers <= 256, input);
    UIO_FUZZ_CHECK(opt.block_size >= 4096 && opt.block_size <= (std::size_t{64} << 20), input);
    UIO_FUZZ_CHECK(!(opt.no_clobber && opt.update), input);
    return 0;
}
