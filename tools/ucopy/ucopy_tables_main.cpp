// ucopy-tables: the table copies of `ucopy SRC DST` (table_copy_cli.hpp), a program of its own so
// that tree copies never load libpq (table_copy_handoff.hpp). ucopy runs it with its own argv, so
// messages and --help say "ucopy" then, and "ucopy-tables" when it is run by name.
#include <malloc.h>

#include <string>

#include "table_copy_cli.hpp"
#include "uio/uring/signal_cleanup.hpp"

int main(int argc, char** argv) {
    // One malloc arena for every thread. A load parses on the pool and frees each batch on
    // the database worker; glibc gives every thread an arena of its own, and each keeps the
    // high-water mark of the batches it made: an upsert of 3,000,000 rows into SQLite peaked
    // at 63.5-64.8 MiB with them, 53-56 MiB with one (docs/benchmarks.md, upserts). Process-
    // wide policy, so the program sets it, before any thread starts; the library does not.
    ::mallopt(M_ARENA_MAX, 1);
    // A Ctrl-C or a kill during an export removes its temporary; the exit status stays the
    // signal's (128 + N in a shell).
    uio::remove_temporaries_on_signals();
    std::string program = argc > 0 ? argv[0] : "ucopy-tables";
    program = program.substr(program.rfind('/') + 1);
    return uio::etl::table_copy_main(argc, argv, program.c_str());
}
