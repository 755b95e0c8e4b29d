// tree_stats as one JSON object (`ucopy --stats=json`).
#include "uio/fs/tree_stats.hpp"

#include <cstdio>

namespace uio::fs {

std::string tree_stats::json(double seconds) const {
    char text[1024];
    std::snprintf(
        text, sizeof text,
        "{\"files\":%llu,\"bytes\":%llu,\"directories\":%llu,\"symlinks\":%llu,"
        "\"hard_links\":%llu,\"special\":%llu,\"skipped\":%llu,\"journal_skipped\":%llu,"
        "\"verified\":%llu,\"copied\":%llu,\"unchanged\":%llu,\"metadata_updated\":%llu,"
        "\"deleted\":%llu,\"errors\":%llu,\"warnings\":%llu,\"seconds\":%.6f,"
        "\"strategy\":{\"linked_chain\":%llu,\"chain_fallback\":%llu,\"read_write\":%llu,"
        "\"direct\":%llu,\"copy_file_range\":%llu,\"reflink\":%llu,"
        "\"sparse\":%llu,\"empty\":%llu},\"ok\":%s}",
        static_cast<unsigned long long>(files_done), static_cast<unsigned long long>(bytes_copied),
        static_cast<unsigned long long>(directories), static_cast<unsigned long long>(symlinks),
        static_cast<unsigned long long>(hard_links), static_cast<unsigned long long>(specials),
        static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(journal_skipped),
        static_cast<unsigned long long>(verified), static_cast<unsigned long long>(copied),
        static_cast<unsigned long long>(unchanged),
        static_cast<unsigned long long>(metadata_updated), static_cast<unsigned long long>(deleted),
        static_cast<unsigned long long>(errors), static_cast<unsigned long long>(warnings), seconds,
        static_cast<unsigned long long>(strategies.linked_chain),
        static_cast<unsigned long long>(strategies.chain_fallback),
        static_cast<unsigned long long>(strategies.read_write),
        static_cast<unsigned long long>(strategies.direct),
        static_cast<unsigned long long>(strategies.copy_file_range),
        static_cast<unsigned long long>(strategies.reflink),
        static_cast<unsigned long long>(strategies.sparse),
        static_cast<unsigned long long>(strategies.empty), errors == 0 ? "true" : "false");
    return text;
}

}  // namespace uio::fs
