// Loads a CSV file into SQLite and exports it back through the installed uio::etl, with only
// the public headers (the engine's detail/ headers are not installed).
#include <uio/db/etl/copy_table.hpp>
#include <uio/uring/io_context.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

int main() {
    std::ofstream("consumer-rows.csv") << "id,name\n1,ann\n2,bob\n3,cy\n";
    std::remove("consumer.db");
    uio::etl::table_copy_options options;
    options.mode = uio::etl::load_mode::replace;
    uio::etl::table_copy_stats loaded = uio::run(
        uio::etl::copy_table(uio::etl::parse_endpoint("consumer-rows.csv"),
                             uio::etl::parse_endpoint("sqlite:consumer.db?table=people"), options));
    uio::run(uio::etl::copy_table(uio::etl::parse_endpoint("sqlite:consumer.db?table=people"),
                                  uio::etl::parse_endpoint("consumer-back.csv")));
    std::stringstream back;
    back << std::ifstream("consumer-back.csv").rdbuf();
    std::printf("etl consumer loaded %llu rows\n", static_cast<unsigned long long>(loaded.rows));
    return loaded.rows == 3 && back.str() == "id,name\n1,ann\n2,bob\n3,cy\n" ? 0 : 1;
}
