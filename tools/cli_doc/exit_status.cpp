#include "exit_status.hpp"

namespace uio::cli_doc {

std::string exit_status_help(std::span<const exit_status> codes, std::string_view note) {
    std::string text;
    std::size_t line_start = 0;
    auto add_word = [&](std::string_view word) {
        if (text.size() > line_start && text.size() - line_start + 1 + word.size() > 88) {
            text += '\n';
            line_start = text.size();
        } else if (text.size() > line_start) {
            text += ' ';
        }
        text += word;
    };
    add_word("Exit");
    add_word("status:");
    for (std::size_t i = 0; i < codes.size(); ++i) {
        std::string entry = std::to_string(codes[i].code) + " " + std::string(codes[i].meaning) +
                            (i + 1 < codes.size() ? ";" : ".");
        std::size_t at = 0;
        while (at < entry.size()) {
            // Keep "0 done" together: the code is never the last word of a line.
            std::size_t space = entry.find(' ', at == 0 ? entry.find(' ') + 1 : at);
            if (space == std::string::npos) space = entry.size();
            add_word(std::string_view(entry).substr(at, space - at));
            at = space + 1;
        }
    }
    if (!note.empty()) {
        text += '\n';
        text += note;
    }
    return text;
}

}  // namespace uio::cli_doc
