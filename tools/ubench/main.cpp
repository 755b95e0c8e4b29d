// ubench: honest benchmarks of io_uring against blocking I/O. This file is only the command
// line; each subcommand lives in its own files (files_bench, overhead).
//
//   ubench files [--size 256M] [--seconds 0.15] [--repeat 3] [--dir /var/tmp]
//                [--json[=FILE]] [--csv FILE] [--plot FILE.svg] ...
//   ubench overhead [--nops N] [--reads N] [--repeat R] [--json[=FILE]]
//   ubench pg [--queries N] [--repeat R] [--depth D] [--pool K] [--tasks T] [--engines ...]
//             [--conninfo STR] [--json[=FILE]]
//   ubench pg-copy in|out --file F --table T [--conninfo STR] [--json[=FILE]]
//   ubench sqlite-import --file F --db D --table T [--schema SQL] [--json[=FILE]]
// --json is one rule everywhere (command_line.cpp): JSON to FILE, or to stdout when FILE is
// '-' or left out, the table for people then on stderr.
// Exit status: command_line.cpp's table (uio::exit_code of the failure's error_kind; 3 when
// the engines' checksums disagree).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <map>

#include "command_line.hpp"
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

}  // namespace

int main(int argc, char** argv) {
    ubench::command_line line;
    auto& [files, size_text, json_path, csv_path, plot_path, workload_names, mode_names,
           engine_names, quiet, print_path, overhead, pg, copy, import, no_bulk_pragmas,
           json_options, app] = line;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints help (status 0) or the message; a refused command line is a usage error.
        return app.exit(e) == 0 ? 0 : uio::exit_code(uio::error_kind::usage);
    }
    line.finish_json();

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
        const bool stdout_taken = json_path == "-" || csv_path == "-";
        ubench::print_table(stdout_taken ? stderr : stdout, report);
        if (!json_path.empty())
            ubench::write_output(json_path, [&](std::FILE* f) { ubench::write_json(f, report); });
        if (!csv_path.empty())
            ubench::write_output(csv_path, [&](std::FILE* f) { ubench::write_csv(f, report); });
        if (!plot_path.empty()) ubench::write_plot(plot_path, report);
        return report.checksums_agree ? 0 : 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", uio::failure_message("ubench", e).c_str());
        return uio::exit_code(uio::kind_of(e));
    }
}
