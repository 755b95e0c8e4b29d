// csv_writer: quoting only where the NULL/empty rule or the syntax requires it.
#include "uio/db/formats/csv_writer.hpp"

namespace uio::formats {

bool csv_writer::needs_quotes(std::string_view value) const noexcept {
    if (value.empty() || value == "\\.") return true;
    if (options_.null_string && value == *options_.null_string) return true;
    if (value.starts_with("\xEF\xBB\xBF")) return true;  // would read as a BOM at the start
    for (char c : value) {
        if (c == options_.delimiter || c == options_.quote || c == '\n' || c == '\r') return true;
    }
    return false;
}

void csv_writer::write_field(field value, std::string& out) const {
    if (options_.text_format) {
        write_text_field(value, out);
        return;
    }
    if (!value) {
        if (options_.null_string) out += *options_.null_string;
        return;
    }
    if (!needs_quotes(*value)) {
        out += *value;
        return;
    }
    out += options_.quote;
    for (char c : *value) {
        if (c == options_.quote) out += c;
        out += c;
    }
    out += options_.quote;
}

void csv_writer::write_text_field(field value, std::string& out) const {
    if (!value) {
        out += options_.null_string.value_or("\\N");
        return;
    }
    // COPY's own escapes: what tsv_reader and COPY FROM (FORMAT text) read back.
    const std::size_t start = out.size();
    std::size_t run = 0;
    const std::string_view v = *value;
    for (std::size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        const char* escape = c == '\\'   ? "\\\\"
                             : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r"
                             : c == '\t' ? "\\t"
                                         : nullptr;
        if (!escape && c != options_.delimiter) continue;
        out.append(v.substr(run, i - run));
        if (escape) {
            out += escape;
        } else {
            // Another delimiter than TAB: escaped as itself, as COPY reads "\;" back as ";".
            out += '\\';
            out += c;
        }
        run = i + 1;
    }
    out.append(v.substr(run));
    if (options_.null_string && !v.empty() &&
        std::string_view(out).substr(start) == *options_.null_string) {
        // A value written as the NULL string would read back as NULL: a backslash before its
        // first character keeps the meaning and changes the text (\NULL reads as NULL).
        out.insert(start, 1, '\\');
    }
}

void csv_writer::write_row(std::span<const field> fields, std::string& out) const {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += options_.delimiter;
        write_field(fields[i], out);
    }
    end_row(out);
}

void csv_writer::write_header(std::span<const std::string> names, std::string& out) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += options_.delimiter;
        write_field(std::string_view(names[i]), out);
    }
    end_row(out);
}

void csv_writer::write_header(std::initializer_list<std::string_view> names,
                              std::string& out) const {
    std::size_t i = 0;
    for (std::string_view name : names) {
        if (i++) out += options_.delimiter;
        write_field(name, out);
    }
    end_row(out);
}

}  // namespace uio::formats
