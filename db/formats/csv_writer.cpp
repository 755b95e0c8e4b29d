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
