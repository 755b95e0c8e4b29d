// UTF-8 validation for the readers: strict (no overlongs, no surrogates, nothing above
// U+10FFFF), one sequence at a time, so a reader can stop at the exact bad byte.
#pragma once

#include <cstddef>
#include <string_view>

namespace uio::formats {

// The length (1-4) of the valid UTF-8 sequence at the start of `s`; 0 if it is invalid, or
// if `s` ends before the sequence does (see utf8_incomplete).
inline std::size_t utf8_sequence_length(std::string_view s) noexcept {
    if (s.empty()) return 0;
    auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 < 0x80) return 1;
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        if (b0 == 0xe0) lo = 0xa0;  // overlong
        if (b0 == 0xed) hi = 0x9f;  // surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        if (b0 == 0xf0) lo = 0x90;  // overlong
        if (b0 == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() < n) return 0;
    auto b1 = static_cast<unsigned char>(s[1]);
    if (b1 < lo || b1 > hi) return 0;
    for (std::size_t i = 2; i < n; ++i) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80 || b > 0xbf) return 0;
    }
    return n;
}

// True when `s` is a valid but unfinished start of a sequence (more bytes may complete it).
inline bool utf8_incomplete(std::string_view s) noexcept {
    if (s.empty() || s.size() >= 4) return false;
    auto b0 = static_cast<unsigned char>(s[0]);
    std::size_t n = b0 >= 0xc2 && b0 <= 0xdf   ? 2
                    : b0 >= 0xe0 && b0 <= 0xef ? 3
                    : b0 >= 0xf0 && b0 <= 0xf4 ? 4
                                               : 0;
    if (n == 0 || s.size() >= n) return false;
    // Check the bytes present by padding with the smallest continuation that could follow.
    char padded[4] = {s[0], 0, 0, 0};
    for (std::size_t i = 1; i < n; ++i) {
        padded[i] = i < s.size() ? s[i] : static_cast<char>(0xbf);
    }
    if (b0 == 0xf4 && s.size() < 2) padded[1] = static_cast<char>(0x80);
    if (b0 == 0xed && s.size() < 2) padded[1] = static_cast<char>(0x80);
    return utf8_sequence_length(std::string_view(padded, n)) == n;
}

// The number of code points in valid UTF-8 text (continuation bytes are not counted).
inline std::size_t utf8_length(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    return n;
}

}  // namespace uio::formats
