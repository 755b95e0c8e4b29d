#include "uio/db/etl/detail/copy_text.hpp"

#include <cstring>

namespace uio::etl {

std::uint64_t copy_text_unescaper::feed(std::string_view chunk, std::string& out) {
    std::uint64_t rows = 0;
    std::size_t i = 0;
    while (i < chunk.size()) {
        if (escape_) {
            escape_ = false;
            out += chunk[i] == '\\' ? '\\' : ' ';
            ++i;
            continue;
        }
        const char* at =
            static_cast<const char*>(std::memchr(chunk.data() + i, '\\', chunk.size() - i));
        std::size_t end = at ? static_cast<std::size_t>(at - chunk.data()) : chunk.size();
        std::string_view plain = chunk.substr(i, end - i);
        for (char c : plain) rows += c == '\n';
        out.append(plain);
        i = end;
        if (at) {
            escape_ = true;
            ++i;
        }
    }
    return rows;
}

}  // namespace uio::etl
