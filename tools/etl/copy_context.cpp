#include "copy_context.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace uio::etl {

void copy_context::take_rejects(std::vector<reject>& rejects, const std::string& source) {
    for (reject& r : rejects) {
        std::string where = source + ":" + std::to_string(r.line) + ": " + r.reason;
        if (stats.rejected >= options.max_errors) {
            if (options.max_errors == 0) throw std::runtime_error(where);
            throw std::runtime_error(where + " (more than --max-errors=" +
                                     std::to_string(options.max_errors) + " bad rows)");
        }
        ++stats.rejected;
        rejects_text += where;
        if (!r.row.empty()) rejects_text += "\n    " + r.row;
        rejects_text += '\n';
    }
}

void copy_context::advance(std::uint64_t rows, std::uint64_t bytes) {
    stats.rows += rows;
    stats.bytes += bytes;
    if (!show_progress_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    double s = seconds();
    char line[200];
    double mb = static_cast<double>(stats.bytes) / 1e6;
    int n = std::snprintf(line, sizeof line, "\r%llu rows, %.1f MB, %.0f rows/s, %.1f MB/s",
                          static_cast<unsigned long long>(stats.rows), mb,
                          s > 0 ? static_cast<double>(stats.rows) / s : 0.0, s > 0 ? mb / s : 0.0);
    std::string text(line, static_cast<std::size_t>(n));
    if (input_size > 0 && stats.bytes > 0 && stats.bytes <= input_size) {
        double fraction = static_cast<double>(stats.bytes) / static_cast<double>(input_size);
        std::snprintf(line, sizeof line, ", %.0f%%, ETA %.0f s", fraction * 100, s / fraction - s);
        text += line;
    }
    err << text << "   " << std::flush;
    drawn_ = true;
}

void copy_context::count_upsert(std::optional<std::int64_t> inserted) {
    if (!inserted) return;
    stats.merged = true;
    stats.inserted = static_cast<std::uint64_t>(*inserted);
    stats.updated = stats.rows - std::min(stats.rows, stats.inserted);
}

void copy_context::end_progress() {
    if (drawn_) err << "\r\033[K" << std::flush;
    drawn_ = false;
}

double copy_context::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

formats::csv_options copy_context::csv_for(const std::string& path, data_format f) const {
    formats::csv_options o;
    o.delimiter = options.delimiter.value_or(f == data_format::tsv ? '\t' : ',');
    o.quote = options.quote;
    o.header = options.header;
    o.null_string = options.null_string;
    o.source = path;
    // Ragged rows become rejects only when some may be skipped; otherwise the reader's own
    // error (with line, column and excerpt) is the better message.
    o.allow_ragged = options.max_errors > 0;
    return o;
}

std::vector<column_spec> copy_context::schema() const {
    if (options.schema.empty()) return {};
    return parse_schema(options.schema);
}

}  // namespace uio::etl
