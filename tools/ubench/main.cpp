// ubench: honest benchmarks of io_uring against blocking I/O. This file is only the command
// line; each subcommand lives in its own files (files_bench, overhead).
//
//   ubench files [--size 256M] [--seconds 0.15] [--repeat 3] [--dir /var/tmp]
//                [--json FILE] [--csv FILE] [--plot FILE.svg] ...
//   ubench overhead [--nops N] [--reads N] [--repeat R] [--json]
//   ubench pg [--queries N] [--repeat R] [--depth D] [--pool K] [--tasks T] [--engines ...]
//             [--conninfo STR] [--json FILE]
//   ubench pg-copy in|out --file F --table T [--conninfo STR] [--json]
//   ubench sqlite-import --file F --db D --table T [--schema SQL] [--json]
// Exit status: 0 done, 1 failed, 2 usage, 3 checksums disagree, 70 internal error
// (uio::exit_code of the failure's error_kind).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <map>

#include "files_bench.hpp"
#include "load_bench.hpp"
#include "overhead.hpp"
#include "pg_bench.hpp"
#include "report.hpp"
#include "svg_plot.hpp"
#include "uio/core/error_kind.hpp"

namespace {

std::uint64_t parse_size(const std::string& text) {
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(text, &used);
    } catch (const std::logic_error&) {  // std::stoull's invalid_argument and out_of_range
        throw uio::usage_error("--size: not a size: '" + text + "'");
    }
    std::string unit = text.substr(used);
    if (unit == "K" || unit == "k" || unit == "KiB") return value << 10;
    if (unit == "M" || unit == "MiB") return value << 20;
    if (unit == "G" || unit == "GiB") return value << 30;
    if (unit.empty()) return value;
    throw uio::usage_error("--size: unknown unit '" + unit + "' (use K, M or G)");
}

template <class Enum>
std::vector<Enum> parse_list(const std::vector<std::string>& names,
                             const std::map<std::string, Enum>& known, const char* what) {
    std::vector<Enum> out;
    for (const std::string& n : names) {
        auto it = known.find(n);
        if (it == known.end()) throw uio::usage_error(std::string(what) + ": unknown '" + n + "'");
        out.push_back(it->second);
    }
    return out;
}

// Writes with `write` to FILE, or to stdout for "-".
template <class Writer>
void emit(const std::string& path, Writer write) {
    if (path == "-") {
        write(stdout);
        return;
    }
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (!out) throw std::system_error(errno, std::generic_category(), "write '" + path + "'");
    write(out);
    if (std::fclose(out) != 0)
        throw std::system_error(errno, std::generic_category(), "write '" + path + "'");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ubench: io_uring (through uio) against blocking I/O, same work, same file",
                 "ubench"};
    app.require_subcommand(1);
    app.set_version_flag("-V,--version", "ubench " UIO_VERSION " (uio)");
    app.footer(
        "Exit status: 0 done; 1 failed (an I/O or database error, or the setup: no pgbench\n"
        "tables, no server); 2 usage; 3 the engines' checksums disagree; 70 internal error\n"
        "(a bug).");

    ubench::files_options files;
    std::string size_text = "256M", json_path, csv_path, plot_path;
    std::vector<std::string> workload_names, mode_names, engine_names;
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
    files_cmd->add_option("--json", json_path, "write JSON to FILE ('-': stdout)");
    files_cmd->add_option("--csv", csv_path, "write CSV to FILE ('-': stdout)");
    files_cmd->add_option("--plot", plot_path, "draw throughput against queue depth as SVG");
    bool quiet = false;
    files_cmd->add_flag("--quiet", quiet, "no progress lines on stderr");
    bool print_path = false;
    files_cmd->add_flag("--print-data-path", print_path,
                        "print where the data file goes for these options, and exit");

    ubench::overhead_options overhead;
    auto* overhead_cmd = app.add_subcommand(
        "overhead", "the proactor's own cost per operation against raw liburing");
    overhead_cmd->add_option("--nops", overhead.nops, "NOPs per run")->capture_default_str();
    overhead_cmd->add_option("--reads", overhead.reads, "4 KiB reads per run")
        ->capture_default_str();
    overhead_cmd->add_option("--repeat", overhead.repeat, "runs per case")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    overhead_cmd->add_flag("--json", overhead.json, "JSON on stdout");

    ubench::pg_options pg;
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
    pg_cmd->add_option("--json", pg.json_path, "write JSON to FILE ('-': stdout)");
    pg_cmd->add_flag("--quiet", pg.quiet, "no progress lines on stderr");

    ubench::load_options copy;
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
    copy_cmd->add_flag("--json", copy.json, "JSON on stdout");

    ubench::load_options import;
    auto* import_cmd =
        app.add_subcommand("sqlite-import",
                           "a CSV file (with header) into an SQLite table: csv_reader and "
                           "bulk_insert, the file on io_uring");
    import_cmd->add_option("--file", import.file, "the CSV file")->required();
    import_cmd->add_option("--db", import.db, "the database file, or :memory:")->required();
    import_cmd->add_option("--table", import.table, "the table (columns from the header)")
        ->required();
    import_cmd->add_option("--schema", import.schema, "SQL to run first, e.g. CREATE TABLE");
    bool no_bulk_pragmas = false;
    import_cmd->add_flag("--no-bulk-pragmas", no_bulk_pragmas,
                         "no bulk-load settings (keep the page cache size)");
    import_cmd->add_flag("--json", import.json, "JSON on stdout");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints help (status 0) or the message; a refused command line is a usage error.
        return app.exit(e) == 0 ? 0 : uio::exit_code(uio::error_kind::usage);
    }

    try {
        if (app.got_subcommand("pg")) return ubench::run_pg(pg);
        if (app.got_subcommand("pg-copy")) return ubench::run_pg_copy(copy);
        if (app.got_subcommand("sqlite-import")) {
            import.bulk_pragmas = !no_bulk_pragmas;
            return ubench::run_sqlite_import(import);
        }
        if (app.got_subcommand("overhead")) return ubench::run_overhead(overhead);

        files.size = parse_size(size_text);
        if (files.size < (1 << 20) || files.size % (1 << 20) != 0) {
            throw uio::usage_error("--size: a whole number of MiB, at least 1M");
        }
        if (print_path) {
            std::printf("%s\n", ubench::data_file_path(files).c_str());
            return 0;
        }
        if (!workload_names.empty()) {
            files.workloads = parse_list<ubench::workload_kind>(
                workload_names,
                {{"randread", ubench::workload_kind::random_read},
                 {"seqread", ubench::workload_kind::sequential_read},
                 {"seqwrite", ubench::workload_kind::sequential_write},
                 {"smallfiles", ubench::workload_kind::small_files}},
                "--workloads");
        }
        if (!mode_names.empty()) {
            files.modes = parse_list<ubench::cache_mode>(
                mode_names,
                {{"buffered-hot", ubench::cache_mode::buffered_hot},
                 {"buffered-cold", ubench::cache_mode::buffered_cold},
                 {"direct", ubench::cache_mode::direct}},
                "--modes");
        }
        if (!engine_names.empty()) {
            std::map<std::string, ubench::engine_kind> known;
            for (auto e : ubench::all_engines) known.emplace(std::string(ubench::name(e)), e);
            files.engines = parse_list(engine_names, known, "--engines");
        }
        for (unsigned qd : files.queue_depths) {
            if (qd == 0 || qd > 128) throw uio::usage_error("--qd: 1 to 128");
        }
        files.progress = !quiet;

        ubench::files_report report = ubench::run_files(files);
        // The table goes to stdout unless a machine format took it.
        bool stdout_taken = json_path == "-" || csv_path == "-";
        ubench::print_table(stdout_taken ? stderr : stdout, report);
        if (!json_path.empty())
            emit(json_path, [&](std::FILE* f) { ubench::write_json(f, report); });
        if (!csv_path.empty()) emit(csv_path, [&](std::FILE* f) { ubench::write_csv(f, report); });
        if (!plot_path.empty()) ubench::write_plot(plot_path, report);
        return report.checksums_agree ? 0 : 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", uio::failure_message("ubench", e).c_str());
        return uio::exit_code(uio::kind_of(e));
    }
}
