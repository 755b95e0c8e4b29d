// load_mode: what a load does to a destination table that exists already.
#pragma once

#include <optional>
#include <string_view>

namespace uio::etl {

enum class load_mode {
    append,          // add the rows (the default)
    replace,         // load a new table and swap it in, in the same transaction
    fail_if_exists,  // refuse to touch an existing table
    upsert,          // rows whose --key exists update it, the others are added
};

std::optional<load_mode> parse_load_mode(std::string_view text) noexcept;
std::string_view load_mode_name(load_mode m) noexcept;

}  // namespace uio::etl
