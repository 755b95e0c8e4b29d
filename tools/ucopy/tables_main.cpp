// ucopy-tables: the table copies of `ucopy SRC DST` (table_cli.hpp), a program of its own so
// that tree copies never load libpq (table_command.hpp). ucopy runs it with its own argv.
#include "table_cli.hpp"

int main(int argc, char** argv) {
    return uio::etl::table_command_main(argc, argv);
}
