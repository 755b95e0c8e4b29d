// copy_table picks the path for the pair of endpoints and runs it on the caller's loop;
// copy_table_and_report runs that on a fresh io_context for the CLI and turns the outcome into a
// message, --stats and an exit code (the failure's error_kind decides it). Messages are built
// without passwords where they are made (endpoints and connections show their conninfo
// through pg::redact_conninfo).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/copy_table.hpp"
#include "uio/db/etl/copy_table_and_report.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/parallel_load.hpp"
#include "uio/db/etl/detail/plan.hpp"
#include "uio/db/etl/detail/table_paths.hpp"
#include "uio/uring/io_context.hpp"

namespace uio::etl {

namespace {

data_file_endpoint with_format(data_file_endpoint f, const table_copy_options& o) {
    if (o.format) f.format = *o.format;
    return f;
}

// The destination with --compress applied: only a data file can be compressed, and a .gz or
// .zst suffix must not say otherwise.
endpoint export_destination(const endpoint& destination, const table_copy_options& o) {
    if (!o.compress) return destination;
    auto* d = std::get_if<data_file_endpoint>(&destination);
    if (!d) throw usage_error("--compress is for exports: the destination must be a data file");
    if (d->compressed != compression::none && d->compressed != *o.compress) {
        throw usage_error("--compress " + std::string(compression_name(*o.compress)) +
                          " contradicts the suffix of " + d->path);
    }
    data_file_endpoint out = *d;
    out.compressed = *o.compress;
    return out;
}

task<void> dispatch(copy_context& ctx, const endpoint& source, const endpoint& destination) {
    const table_copy_options& o = ctx.options;
    if (auto* s = std::get_if<data_file_endpoint>(&source)) {
        if (auto* d = std::get_if<sqlite_endpoint>(&destination)) {
            co_await file_to_sqlite(ctx, with_format(*s, o), *d);
            co_return;
        }
        if (auto* d = std::get_if<postgres_endpoint>(&destination); d && o.connections > 1) {
            co_await parallel_file_to_postgres(ctx, with_format(*s, o), *d);
            co_return;
        }
        if (auto* d = std::get_if<postgres_endpoint>(&destination)) {
            co_await file_to_postgres(ctx, with_format(*s, o), *d);
            co_return;
        }
    }
    if (auto* s = std::get_if<sqlite_endpoint>(&source)) {
        if (auto* d = std::get_if<data_file_endpoint>(&destination)) {
            co_await sqlite_to_file(ctx, *s, with_format(*d, o));
            co_return;
        }
        if (auto* d = std::get_if<postgres_endpoint>(&destination)) {
            co_await sqlite_to_postgres(ctx, *s, *d);
            co_return;
        }
    }
    if (auto* s = std::get_if<postgres_endpoint>(&source)) {
        if (auto* d = std::get_if<data_file_endpoint>(&destination)) {
            co_await postgres_to_file(ctx, *s, with_format(*d, o));
            co_return;
        }
        if (auto* d = std::get_if<sqlite_endpoint>(&destination)) {
            co_await postgres_to_sqlite(ctx, *s, *d);
            co_return;
        }
    }
    throw usage_error("cannot copy from " + describe(source) + " to " + describe(destination));
}

// Writes --rejects (even when empty, so a script can rely on the file being there).
task<void> write_rejects(copy_context& ctx) {
    if (ctx.options.rejects_path.empty()) co_return;
    atomic_output_file out =
        co_await atomic_output_file::create(ctx.options.rejects_path, ctx.options.fsync);
    co_await out.write(ctx.rejects_text);
    co_await out.commit();
}

void check_upsert_options(const table_copy_options& o, const endpoint& destination) {
    if ((o.mode == load_mode::upsert) != !o.key.empty()) {
        throw usage_error("--mode upsert and --key go together");
    }
    if (o.mode == load_mode::upsert && !std::holds_alternative<postgres_endpoint>(destination) &&
        !std::holds_alternative<sqlite_endpoint>(destination)) {
        throw usage_error("--mode upsert loads into a PostgreSQL or SQLite table");
    }
}

// "-" is a data file only with --format: a stream has no extension to tell it.
void check_standard_streams(const endpoint& e) {
    auto* tree = std::get_if<file_tree_endpoint>(&e);
    if (tree && tree->path == "-") {
        throw usage_error("'-' (standard input or output) needs --format csv, tsv or jsonl");
    }
}

void check_request(const copy_context& ctx, const endpoint& source, const endpoint& destination) {
    check_standard_streams(source);
    check_standard_streams(destination);
    if (!is_table_like(source) || !is_table_like(destination)) {
        throw usage_error("both endpoints must be tables or data files");
    }
    if (!ctx.options.schema.empty()) (void)ctx.schema();  // a bad --schema is a usage error
    check_upsert_options(ctx.options, destination);
    check_connections_option(ctx.options, source, destination);
}

task<void> run(copy_context& ctx, const endpoint& source, const endpoint& destination) {
    co_await dispatch(ctx, source, destination);
    co_await write_rejects(ctx);
}

void print_stats(std::ostream& out, const copy_context& ctx, double seconds, bool ok) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "{\"ok\": %s, \"rows\": %llu, \"bytes\": %llu, \"seconds\": %.6f, "
                  "\"rows_per_second\": %.0f, \"errors\": %llu}",
                  ok ? "true" : "false", static_cast<unsigned long long>(ctx.stats.rows),
                  static_cast<unsigned long long>(ctx.stats.bytes), seconds,
                  seconds > 0 ? static_cast<double>(ctx.stats.rows) / seconds : 0.0,
                  static_cast<unsigned long long>(ctx.stats.rejected));
    std::string text = line;
    if (ctx.stats.blank_lines || ctx.stats.warnings) {
        text.pop_back();
        text += ", \"blank_lines\": " + std::to_string(ctx.stats.blank_lines) +
                ", \"warnings\": " + std::to_string(ctx.stats.warnings) + "}";
    }
    if (ctx.stats.widenings) {
        text.pop_back();
        text += ", \"widenings\": " + std::to_string(ctx.stats.widenings) +
                ", \"restarts\": " + std::to_string(ctx.stats.restarts) + "}";
    }
    if (ctx.stats.merged) {
        text.pop_back();
        text += ", \"inserted\": " + std::to_string(ctx.stats.inserted) +
                ", \"updated\": " + std::to_string(ctx.stats.updated) + "}";
    }
    out << text << "\n";
}

}  // namespace

namespace {

task<table_copy_stats> copy_table_on_loop(endpoint source, endpoint destination,
                                          table_copy_options options, progress_callback progress) {
    copy_context ctx(options, std::cerr, false);
    ctx.on_progress = progress;
    check_request(ctx, source, destination);
    co_await run(ctx, source, export_destination(destination, options));
    if (progress) progress(ctx.stats, ctx.input_size);
    co_return ctx.stats;
}

}  // namespace

task<table_copy_stats> copy_table(endpoint source, endpoint destination, table_copy_options options,
                                  progress_callback progress) {
    return copy_table_on_loop(std::move(source), std::move(destination), std::move(options),
                              std::move(progress));
}

task<table_copy_stats> copy_table(endpoint source, endpoint destination) {
    return copy_table_on_loop(std::move(source), std::move(destination), table_copy_options{},
                              nullptr);
}

int copy_table_and_report(const table_copy_options& options, const endpoint& source,
                          const endpoint& destination, std::ostream& err, std::ostream& out) {
    bool show_progress = options.progress && !options.dry_run && ::isatty(STDERR_FILENO);
    copy_context ctx(options, err, show_progress && &err == &std::cerr);
    int code = 0;
    try {
        // Tests only: a bug's path (a std::logic_error) through the real binary.
        if (std::getenv("UCOPY_TEST_INTERNAL_ERROR")) {
            throw std::logic_error("UCOPY_TEST_INTERNAL_ERROR is set");
        }
        check_request(ctx, source, destination);
        endpoint target = export_destination(destination, options);
        if (options.dry_run) {
            uio::run(print_plan(ctx, source, target, out));
            return 0;
        }
        uio::run(run(ctx, source, target));
    } catch (const std::exception& e) {
        ctx.end_progress();
        err << failure_message("ucopy", e) << "\n";
        code = exit_code(kind_of(e));
    }
    ctx.end_progress();
    // -v: on the error stream, since standard output may be the data ("-").
    if (options.verbose && code == 0) {
        err << "ucopy: " << describe(source) << " -> " << describe(destination) << ": "
            << ctx.stats.rows << (ctx.stats.rows == 1 ? " row" : " rows") << "\n";
    }
    if (options.stats_json) print_stats(out, ctx, ctx.seconds(), code == 0);
    return code;
}

}  // namespace uio::etl
