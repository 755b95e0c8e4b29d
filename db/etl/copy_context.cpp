#include "uio/db/etl/detail/copy_context.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "uio/core/error_kind.hpp"

namespace uio::etl {

void copy_context::take_rejects(std::vector<reject>& rejects, const std::string& source) {
    for (reject& r : rejects) {
        std::string where = source + ":" + std::to_string(r.line) +
                            (r.column ? ":" + std::to_string(r.column) : "") + ": " + r.reason;
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
    if (on_progress) {
        auto now = std::chrono::steady_clock::now();
        if (now - last_report_ >= std::chrono::milliseconds(100)) {
            last_report_ = now;
            on_progress(stats, input_size);
        }
    }
    if (!show_progress_) return;
    progress_counts c;
    c.bytes_done = stats.bytes;
    c.bytes_total = input_size;
    c.items_done = stats.rows;
    c.items = "rows";
    std::string text = progress_.update(c);
    if (!text.empty()) err << text << std::flush;
}

void copy_context::count_upsert(std::optional<std::int64_t> inserted) {
    if (!inserted) return;
    stats.merged = true;
    stats.inserted = static_cast<std::uint64_t>(*inserted);
    stats.updated = stats.rows - std::min(stats.rows, stats.inserted);
}

void copy_context::end_progress() {
    if (progress_.drawn()) err << "\r\033[K" << std::flush;
    progress_ = progress_line();
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
    if (!formats::usable_delimiter_and_quote(o.delimiter, o.quote)) {
        throw usage_error(
            "--delimiter and --quote must be two different ASCII characters, "
            "not a line end or NUL");
    }
    o.header = options.header;
    o.null_string = options.null_string;
    o.text_format = f == data_format::tsv;
    o.strict = options.strict;
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
