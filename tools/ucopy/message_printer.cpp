// stdio as before the messages became values: stderr is unbuffered, stdout line-buffered on
// a terminal and block-buffered into a pipe, so the order within each stream is kept.
#include "message_printer.hpp"

#include <cstdio>

namespace ucopy {

namespace {

const char* erase_line(bool progress_drawn) {
    return progress_drawn ? "\r\033[K" : "";
}

}  // namespace

void print_error(const std::string& text, bool progress_drawn) {
    std::fprintf(stderr, "%sucopy: %s\n", erase_line(progress_drawn), text.c_str());
}

uio::fs::message_callback print_messages(bool progress_drawn) {
    return [progress_drawn](const uio::fs::tree_message& message) {
        switch (message.kind) {
            case uio::fs::message_kind::error:
            case uio::fs::message_kind::warning:
            case uio::fs::message_kind::vanished:
                print_error(message.text, progress_drawn);
                return;
            case uio::fs::message_kind::verbose:
            case uio::fs::message_kind::itemized:
            case uio::fs::message_kind::deletion:
            case uio::fs::message_kind::difference:
                std::printf("%s\n", message.text.c_str());
                return;
        }
    };
}

}  // namespace ucopy
