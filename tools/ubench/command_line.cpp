// ubench's command line: the one option table, which main parses with and tools/cli_doc
// turns into the man page and the shell completions.
#include "command_line.hpp"

namespace ubench {

namespace {

constexpr uio::cli_doc::exit_status exit_table[] = {
    {0, "done"},
    {1, "failed (an I/O or database error, or the setup: no pgbench tables, no server)"},
    {2, "usage"},
    {3, "the engines' checksums disagree"},
    {70, "internal error (a bug)"},
};

// --json, the same in every subcommand. Its FILE is optional, so `--json in` would take "in"
// as FILE: --json=FILE, or --json after the operands, says it plainly.
constexpr const char* json_help =
    "write JSON to FILE; '-' or no FILE (--json alone): stdout, the table for people then on "
    "stderr. Write --json=FILE, or put --json after the operands";

}  // namespace

void command_line::finish_json() {
    for (auto& [option, path] : json_options) {
        if (option->count() > 0 && path->empty()) *path = "-";
    }
}

std::span<const uio::cli_doc::exit_status> exit_codes() {
    return exit_table;
}

command_line::command_line()
    : app{"ubench: io_uring (through uio) against blocking I/O, same work, same file", "ubench"} {
    app.require_subcommand(1);
    app.set_version_flag("-V,--version", "ubench " UIO_VERSION " (uio)");
    app.footer(uio::cli_doc::exit_status_help(exit_codes()));

    auto* files_cmd =
        app.add_subcommand("files",
                           "4 KiB random reads at several queue depths, 1 MiB sequential reads and "
                           "writes, small files; buffered hot/cold and O_DIRECT; every engine");
    files_cmd->add_option("--size", size_text, "data file size (K, M, G suffixes)")
        ->capture_default_str();
    files_cmd->add_option("--seconds", files.seconds, "target length of one blocking run")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    files_cmd->add_option("--repeat", files.repeat, "runs per case (median, min-max)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    files_cmd->add_option("--dir", files.dir, "where the data files go")
        ->capture_default_str()
        ->check(CLI::ExistingDirectory);
    files_cmd->add_option("--qd", files.queue_depths, "queue depths of the random reads")
        ->delimiter(',');
    files_cmd
        ->add_option("--seq-qd", files.other_queue_depth,
                     "requests in flight for sequential and small-file cases")
        ->capture_default_str()
        ->check(CLI::Range(1u, 128u));
    files_cmd->add_option("--small-files", files.small_files, "how many 8 KiB files")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000000u));
    files_cmd
        ->add_option("--workloads", workload_names,
                     "randread,seqread,seqwrite,smallfiles (default: all)")
        ->delimiter(',');
    files_cmd->add_option("--modes", mode_names, "buffered-hot,buffered-cold,direct (default: all)")
        ->delimiter(',');
    files_cmd
        ->add_option("--engines", engine_names,
                     "blocking,threadpool,uio,uio-fixedbufs,uio-fixedfiles,uio-sqpoll "
                     "(default: all)")
        ->delimiter(',');
    files_cmd
        ->add_option("--cold", files.cold,
                     "auto: fadvise for the data file, drop_caches for small files; drop: "
                     "drop_caches for every cold run; fadvise: never drop_caches")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "drop", "fadvise"}));
    files_cmd->add_flag("--keep", files.keep, "leave the data files in --dir (scripts/bench-fio)");
    json_options.emplace_back(
        files_cmd->add_option("--json", json_path, json_help)->expected(0, 1)->type_name("FILE"),
        &json_path);
    files_cmd->add_option("--csv", csv_path, "write CSV to FILE ('-': stdout)");
    files_cmd->add_option("--plot", plot_path, "draw throughput against queue depth as SVG");
    files_cmd->add_flag("--quiet", quiet, "no progress lines on stderr");
    files_cmd->add_flag("--print-data-path", print_path,
                        "print where the data file goes for these options, and exit");

    auto* overhead_cmd = app.add_subcommand(
        "overhead", "the proactor's own cost per operation against raw liburing");
    overhead_cmd->add_option("--nops", overhead.nops, "NOPs per run")->capture_default_str();
    overhead_cmd->add_option("--reads", overhead.reads, "4 KiB reads per run")
        ->capture_default_str();
    overhead_cmd->add_option("--repeat", overhead.repeat, "runs per case")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    json_options.emplace_back(overhead_cmd->add_option("--json", overhead.json_path, json_help)
                                  ->expected(0, 1)
                                  ->type_name("FILE"),
                              &overhead.json_path);

    auto* pg_cmd = app.add_subcommand(
        "pg",
        "primary-key SELECTs on pgbench_accounts: blocking libpq against uio (one connection, "
        "pipeline, pool); connection from PG* variables or --conninfo");
    pg_cmd->add_option("--queries,-n", pg.queries, "SELECTs per run")->capture_default_str();
    pg_cmd->add_option("--repeat", pg.repeat, "runs per engine (median, min-max)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    pg_cmd->add_option("--depth", pg.depth, "queries in flight per pipeline")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100000u));
    pg_cmd->add_option("--pool", pg.pool_size, "connections in the pool engines")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    pg_cmd->add_option("--tasks", pg.pool_tasks, "concurrent tasks of uio-pool")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100000u));
    pg_cmd->add_option("--seed", pg.seed, "seed of the aid sequence")->capture_default_str();
    pg_cmd
        ->add_option("--engines", pg.engines,
                     "blocking,uio,uio-pipeline,uio-pool,uio-pool-pipeline (default: all)")
        ->delimiter(',');
    pg_cmd->add_option("--conninfo", pg.conninfo, "libpq conninfo or URI (default: PG* variables)");
    json_options.emplace_back(
        pg_cmd->add_option("--json", pg.json_path, json_help)->expected(0, 1)->type_name("FILE"),
        &pg.json_path);
    pg_cmd->add_flag("--quiet", pg.quiet, "no progress lines on stderr");

    auto* copy_cmd = app.add_subcommand(
        "pg-copy",
        "COPY a CSV file (with header) into a table, or a table out to a CSV file, "
        "the file on io_uring");
    copy_cmd->add_option("direction", copy.direction, "in or out")
        ->required()
        ->check(CLI::IsMember({"in", "out"}));
    copy_cmd->add_option("--file", copy.file, "the CSV file")->required();
    copy_cmd->add_option("--table", copy.table, "the table (SQL, e.g. t or t(a, b))")->required();
    copy_cmd->add_option("--conninfo", copy.conninfo, "libpq conninfo or URI (default: PG*)");
    json_options.emplace_back(copy_cmd->add_option("--json", copy.json_path, json_help)
                                  ->expected(0, 1)
                                  ->type_name("FILE"),
                              &copy.json_path);

    auto* import_cmd =
        app.add_subcommand("sqlite-import",
                           "a CSV file (with header) into an SQLite table: csv_reader and "
                           "bulk_insert, the file on io_uring");
    import_cmd->add_option("--file", import.file, "the CSV file")->required();
    import_cmd->add_option("--db", import.db, "the database file, or :memory:")->required();
    import_cmd->add_option("--table", import.table, "the table (columns from the header)")
        ->required();
    import_cmd->add_option("--schema", import.schema, "SQL to run first, e.g. CREATE TABLE");
    import_cmd->add_flag("--no-bulk-pragmas", no_bulk_pragmas,
                         "no bulk-load settings (keep the page cache size)");
    json_options.emplace_back(import_cmd->add_option("--json", import.json_path, json_help)
                                  ->expected(0, 1)
                                  ->type_name("FILE"),
                              &import.json_path);
}

std::shared_ptr<const CLI::App> command_line_app() {
    auto line = std::make_shared<command_line>();
    return {line, &line->app};  // shares ownership of the values the options are bound to
}

}  // namespace ubench
