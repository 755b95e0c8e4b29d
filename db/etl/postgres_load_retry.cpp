#include "uio/db/etl/detail/postgres_load_retry.hpp"

#include <algorithm>
#include <cstring>

#include "uio/db/etl/detail/chunk_stream.hpp"

namespace uio::etl {

namespace {

// "COPY t, line 3, column n: \"abc\"" → "n".
std::string copy_column(const std::string& context) {
    std::size_t at = context.find(", column ");
    if (at == std::string::npos) return {};
    at += 9;
    std::size_t end = context.find(':', at);
    return context.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// "COPY t, line 3, column n: \"abc\"" → abc; nullopt for "column n: null input".
std::optional<std::string> copy_value(const std::string& context, const std::string& column) {
    std::string before = ", column " + column + ": \"";
    std::size_t at = context.find(before);
    std::size_t end = context.rfind('"');
    if (at == std::string::npos || end == std::string::npos || end < at + before.size()) {
        return std::nullopt;
    }
    at += before.size();
    return context.substr(at, end - at);
}

}  // namespace

std::optional<copy_failure> copy_failure::from(const pg::error& e) {
    if (!e.copy_line()) return std::nullopt;
    copy_failure out{*e.copy_line(), e.message(), e.sqlstate(), copy_column(e.context()), {}};
    if (!out.column.empty()) {
        out.message += " (column " + out.column + ")";
        out.value = copy_value(e.context(), out.column);
    }
    return out;
}

void postgres_load_retry::begin_attempt() {
    ctx_.stats = {};
    ctx_.stats.rejected = skipped_.size();
    ctx_.rejects_text = rejects_text_;
}

void postgres_load_retry::reject(std::uint64_t line, const std::string& reason,
                                 const std::string& row) {
    // The budget counts everything rejected so far (the server's, and this attempt's parse
    // rejects); the text kept across attempts is the server's only, as parse rejects are
    // found again by the next attempt.
    std::vector<etl::reject> one{{line, reason, row}};
    ctx_.rejects_text.clear();
    ctx_.take_rejects(one, source_);
    rejects_text_ += ctx_.rejects_text;
    skipped_.insert(std::upper_bound(skipped_.begin(), skipped_.end(), line), line);
}

task<std::string> file_line(input_file& in, std::uint64_t line) {
    std::string chunk, out;
    std::uint64_t offset = 0, at = 1;
    bool inside = line == 1;
    for (;;) {
        std::size_t n = co_await read_next_chunk(in, chunk, offset);
        if (n == 0) break;
        std::string_view rest(chunk.data(), n);
        while (!rest.empty()) {
            const char* nl = static_cast<const char*>(std::memchr(rest.data(), '\n', rest.size()));
            std::size_t end = nl ? static_cast<std::size_t>(nl - rest.data()) : rest.size();
            if (inside) {
                out.append(
                    rest.substr(0, std::min(end, 200 - std::min<std::size_t>(200, out.size()))));
                if (nl) co_return out;
            }
            if (!nl) break;
            rest.remove_prefix(end + 1);
            inside = ++at == line;
        }
    }
    co_return out;
}

}  // namespace uio::etl
