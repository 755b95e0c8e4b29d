#include "copy_context.hpp"

#include <cstdio>
#include <stdexcept>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

void copy_context::take_rejects(std::vector<reject>& rejects, const std::string& source) {
    for (reject& r : rejects) {
        std::string where = source + ":" + std::to_string(r.line) + ": " + r.reason;
        if (stats.rejected >= options.max_errors) {
            if (options.max_errors == 0) throw data_error(where);
            throw data_error(where + " (more than --max-errors=" +
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
    if (!show_progress_ && !on_progress) return;
    auto now = std::chrono::steady_clock::now();
    if (on_progress && now - last_report_ >= std::chrono::milliseconds(100)) {
        last_report_ = now;
        on_progress(stats, input_size);
    }
    if (!show_progress_) return;
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
    // The CSV reader's rule, said as a usage error (the reader throws std::invalid_argument,
    // a caller's bug, which would exit as an internal error).
    auto special = [](char c) {
        return c == '\n' || c == '\r' || c == '\0' || static_cast<unsigned char>(c) >= 0x80;
    };
    if (o.delimiter == o.quote || special(o.delimiter) || special(o.quote)) {
        throw usage_error(
            "--delimiter and --quote must be two different ASCII characters, "
            "not a line end or NUL");
    }
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
