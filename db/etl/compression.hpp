// compression: whether a data file is gzip- or zstd-compressed. A suffix after the format's
// extension says so (sales.csv.gz, events.jsonl.zst); for an export, --compress too.
// Header-only and pure, so the endpoint parser (fuzzed on its own) can use it.
#pragma once

#include <cctype>
#include <optional>
#include <string_view>

namespace uio::etl {

enum class compression { none, gzip, zstd };

// The compression a path's last suffix names (".gz", ".zst"), and the path without it.
struct compression_suffix {
    compression kind = compression::none;
    std::string_view rest;  // the path without the suffix
};

inline compression_suffix split_compression_suffix(std::string_view path) noexcept {
    auto ends_with = [&](std::string_view suffix) {
        if (path.size() <= suffix.size()) return false;
        std::string_view tail = path.substr(path.size() - suffix.size());
        for (std::size_t i = 0; i < suffix.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(tail[i])) != suffix[i]) return false;
        }
        return true;
    };
    if (ends_with(".gz")) return {compression::gzip, path.substr(0, path.size() - 3)};
    if (ends_with(".zst")) return {compression::zstd, path.substr(0, path.size() - 4)};
    return {compression::none, path};
}

inline std::optional<compression> parse_compression(std::string_view name) noexcept {
    if (name == "gzip" || name == "gz") return compression::gzip;
    if (name == "zstd" || name == "zst") return compression::zstd;
    if (name == "none") return compression::none;
    return std::nullopt;
}

inline std::string_view compression_name(compression c) noexcept {
    switch (c) {
        case compression::gzip:
            return "gzip";
        case compression::zstd:
            return "zstd";
        case compression::none:
            break;
    }
    return "none";
}

}  // namespace uio::etl
