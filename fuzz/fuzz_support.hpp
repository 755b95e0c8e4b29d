// What every fuzz target shares: the libFuzzer entry point's signature, a check that aborts
// (so libFuzzer and the replay tests both see a crash, with the reason on stderr), and
// deterministic chunk sizes derived from the input, so a reproducer replays identically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace uio::fuzz {

// An oracle failed: the input exposed a bug. abort() makes libFuzzer save the reproducer.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz check failed: %s [%.*s]\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

#define UIO_FUZZ_CHECK(condition, detail) \
    ((condition) ? (void)0 : ::uio::fuzz::fail(#condition, (detail)))

// FNV-1a of the input: picks chunk sizes and options without consuming input bytes, so the
// corpus files are plain documents (a CSV file is a valid seed as it is).
inline std::uint64_t hash(std::string_view text) noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    return h;
}

// Splits [0, size) into chunks whose sizes cycle through `seed`-derived values in [1, 64]:
// parsers that carry state across feeds must give what one feed gives.
inline std::vector<std::string_view> chunks(std::string_view text, std::uint64_t seed) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0; at < text.size();) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        std::size_t n = 1 + static_cast<std::size_t>((seed >> 33) % 64);
        out.push_back(text.substr(at, n));
        at += n;
    }
    return out;
}

}  // namespace uio::fuzz
