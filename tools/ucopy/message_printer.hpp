// message_printer: where ucopy prints what uio::fs has to say (tree_message.hpp), as cp and
// rsync print it: errors, warnings and vanished files on stderr after "ucopy: "; -v and -i
// lines, deletions and --check's differences on stdout.
#pragma once

#include <string>

#include <uio/fs/tree_message.hpp>

namespace ucopy {

// `progress_drawn`: --progress's line is on stderr, and a message there erases it first.
uio::fs::message_callback print_messages(bool progress_drawn);

// ucopy's own error (what ended a run, or kept it from starting) on stderr, the same way.
void print_error(const std::string& text, bool progress_drawn);

}  // namespace ucopy
