// run_table_copy: picks the path for the pair of endpoints, runs it on a fresh io_context,
// and turns the outcome into a message (passwords redacted), --stats and an exit code.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <sstream>

#include "chunk_stream.hpp"
#include "etl_main.hpp"
#include "plan.hpp"
#include "table_paths.hpp"
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

task<void> run(copy_context& ctx, const endpoint& source, const endpoint& destination) {
    co_await dispatch(ctx, source, destination);
    co_await write_rejects(ctx);
}

void print_stats(std::ostream& out, const copy_context& ctx, double seconds, bool ok) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "{\"ok\": %s, \"rows\": %llu, \"bytes\": %llu, \"seconds\": %.3f, "
                  "\"rows_per_second\": %.0f, \"errors\": %llu}",
                  ok ? "true" : "false", static_cast<unsigned long long>(ctx.stats.rows),
                  static_cast<unsigned long long>(ctx.stats.bytes), seconds,
                  seconds > 0 ? static_cast<double>(ctx.stats.rows) / seconds : 0.0,
                  static_cast<unsigned long long>(ctx.stats.rejected));
    out << line << "\n";
}

}  // namespace

int run_table_copy(const table_copy_options& options, const endpoint& source,
                   const endpoint& destination, std::ostream& err, std::ostream& out) {
    bool show_progress = options.progress && !options.dry_run && ::isatty(STDERR_FILENO);
    copy_context ctx(options, err, show_progress && &err == &std::cerr);
    int code = 0;
    try {
        if (!is_table_like(source) || !is_table_like(destination)) {
            throw usage_error("both endpoints must be tables or data files");
        }
        if (!options.schema.empty()) (void)ctx.schema();  // a bad --schema is a usage error
        endpoint target = export_destination(destination, options);
        if (options.dry_run) {
            uio::run(print_plan(ctx, source, target, out));
            return 0;
        }
        uio::run(run(ctx, source, target));
    } catch (const usage_error& e) {
        err << "ucopy: " << redact_password(e.what()) << "\n";
        code = 2;
    } catch (const std::invalid_argument& e) {
        err << "ucopy: " << redact_password(e.what()) << "\n";
        code = 2;
    } catch (const std::exception& e) {
        ctx.end_progress();
        err << "ucopy: " << redact_password(e.what()) << "\n";
        code = 1;
    }
    ctx.end_progress();
    if (options.stats_json) print_stats(out, ctx, ctx.seconds(), code == 0);
    return code;
}

}  // namespace uio::etl
