// ucopy's entry point: parse, run, exit with the documented status.
#include "engine.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
    ucopy::parse_outcome outcome = ucopy::parse_command_line(argc, argv);
    if (!outcome.parsed) return outcome.exit_code;
    return ucopy::run(*outcome.parsed);
}
