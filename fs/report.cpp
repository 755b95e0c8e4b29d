// Messages go to stderr unbuffered-by-line so they interleave sanely with --progress.
#include "uio/fs/report.hpp"

#include <cstdio>
#include <cstring>
#include <set>

namespace ucopy {

void fail(const std::string& what, int errno_value) {
    if (errno_value < 0) errno_value = -errno_value;
    throw copy_error(what + ": " + std::strerror(errno_value));
}

std::string quote(const std::string& path) {
    std::string out = "'";
    for (char c : path) {
        if (c == '\'')
            out += "'\\''";
        else if (c == '\n')
            out += "'$'\\n''";
        else
            out += c;
    }
    return out + "'";
}

void report::error(const std::string& message) {
    ++errors_;
    std::fprintf(stderr, "%sucopy: %s\n", clear_line ? "\r\033[K" : "", message.c_str());
}

void report::warning(const std::string& message) {
    static std::set<std::string> seen;  // a missing feature is said once, not per file
    if (!seen.insert(message).second) return;
    ++warnings_;
    std::fprintf(stderr, "%sucopy: warning: %s\n", clear_line ? "\r\033[K" : "", message.c_str());
}

void report::vanished(const std::string& path) {
    ++vanished_;
    std::fprintf(stderr, "%sucopy: file has vanished: %s\n", clear_line ? "\r\033[K" : "",
                 quote(path).c_str());
}

void report::verbose(const std::string& source, const std::string& destination) const {
    std::printf("%s -> %s\n", quote(source).c_str(), quote(destination).c_str());
}

void report::itemize(const std::string& line) const {
    std::printf("%s\n", line.c_str());
}

std::string report::json(double seconds) const {
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
        static_cast<unsigned long long>(files_done),
        static_cast<unsigned long long>(bytes_copied.load()),
        static_cast<unsigned long long>(directories), static_cast<unsigned long long>(symlinks),
        static_cast<unsigned long long>(hard_links), static_cast<unsigned long long>(specials),
        static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(journal_skipped),
        static_cast<unsigned long long>(verified), static_cast<unsigned long long>(copied),
        static_cast<unsigned long long>(unchanged),
        static_cast<unsigned long long>(metadata_updated), static_cast<unsigned long long>(deleted),
        static_cast<unsigned long long>(errors_), static_cast<unsigned long long>(warnings_),
        seconds, static_cast<unsigned long long>(strategies.linked_chain),
        static_cast<unsigned long long>(strategies.chain_fallback),
        static_cast<unsigned long long>(strategies.read_write),
        static_cast<unsigned long long>(strategies.direct),
        static_cast<unsigned long long>(strategies.copy_file_range),
        static_cast<unsigned long long>(strategies.reflink),
        static_cast<unsigned long long>(strategies.sparse),
        static_cast<unsigned long long>(strategies.empty), errors_ == 0 ? "true" : "false");
    return text;
}

}  // namespace ucopy
