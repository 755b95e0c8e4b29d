// ucopy-tables: the table copies of `ucopy SRC DST` (table_cli.hpp), a program of its own so
// that tree copies never load libpq (table_command.hpp). ucopy runs it with its own argv, so
// messages and --help say "ucopy" then, and "ucopy-tables" when it is run by name.
#include <string>

#include "table_cli.hpp"
#include "uio/uring/signal_cleanup.hpp"

int main(int argc, char** argv) {
    // A Ctrl-C or a kill during an export removes its temporary; the exit status stays the
    // signal's (128 + N in a shell).
    uio::remove_temporaries_on_signals();
    std::string program = argc > 0 ? argv[0] : "ucopy-tables";
    program = program.substr(program.rfind('/') + 1);
    return uio::etl::table_command_main(argc, argv, program.c_str());
}
