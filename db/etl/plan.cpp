#include "uio/db/etl/detail/plan.hpp"

#include <algorithm>

#include "uio/db/etl/detail/chunk_stream.hpp"
#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/etl/detail/sqlite_cursor.hpp"
#include "uio/db/etl/detail/sqlite_loaders.hpp"
#include "uio/db/formats/csv_reader.hpp"
#include "uio/db/formats/tsv_reader.hpp"

namespace uio::etl {

namespace {

task<std::vector<column_spec>> source_columns(copy_context& ctx, const endpoint& source,
                                              bool to_postgres) {
    if (auto* f = std::get_if<data_file_endpoint>(&source)) {
        data_format format = ctx.options.format.value_or(f->format);
        input_file in = co_await open_input(*f, ctx);
        // The keys (or header) and kinds of the first rows, as the loaders infer them.
        if (format == data_format::jsonl) {
            formats::jsonl_reader reader(f->path, ctx.options.max_errors > 0);
            formats::jsonl_batch sample = co_await sample_first_rows(in, reader);
            co_return infer_jsonl_columns(reader.columns(), sample, to_postgres);
        }
        formats::csv_options csv = ctx.csv_for(f->path, format);
        if (csv.text_format) {
            formats::tsv_reader reader(std::move(csv));
            formats::csv_batch sample = co_await sample_first_rows(in, reader);
            co_return infer_csv_columns(reader.header(), reader.width(), sample);
        }
        formats::csv_reader reader(std::move(csv));
        formats::csv_batch sample = co_await sample_first_rows(in, reader);
        co_return infer_csv_columns(reader.header(), reader.width(), sample);
    }
    if (auto* s = std::get_if<sqlite_endpoint>(&source)) {
        sqlite::database db =
            co_await sqlite::database::open(s->path, {.create = false, .read_only = true});
        std::string sql = sqlite_select(s->target.table, s->target.query);
        sqlite_cursor cursor = co_await sqlite_cursor::open(db, sql);
        std::vector<column_spec> out = cursor.columns();
        co_await db.close();
        co_return out;
    }
    if (auto* p = std::get_if<postgres_endpoint>(&source)) {
        pg::connection conn = co_await connect_postgres(p->conninfo, p->target.schema);
        if (p->target.is_query()) co_return co_await postgres_query_columns(conn, p->target.query);
        co_return co_await postgres_table_columns(conn, p->target.table);
    }
    co_return std::vector<column_spec>{};
}

}  // namespace

task<void> print_plan(copy_context& ctx, const endpoint& source, const endpoint& destination,
                      std::ostream& out) {
    bool to_pg = std::holds_alternative<postgres_endpoint>(destination);
    std::vector<column_spec> columns = co_await source_columns(ctx, source, to_pg);
    for (const column_spec& s : ctx.schema()) {
        auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const column_spec& c) { return c.name == s.name; });
        if (it != columns.end()) *it = s;
    }
    out << "source:      " << describe(source) << "\n";
    out << "destination: " << describe(destination) << "\n";
    out << "mode:        " << load_mode_name(ctx.options.mode);
    for (std::size_t i = 0; i < ctx.options.key.size(); ++i) {
        out << (i ? ", " : " (key: ") << ctx.options.key[i];
    }
    out << (ctx.options.key.empty() ? "\n" : ")\n");
    if (ctx.options.connections > 1) {
        out << "connections: " << ctx.options.connections << " COPY streams into a staging table\n";
    }
    if (columns.empty()) {
        out << "columns:     (from the data)\n";
    } else {
        out << "columns:\n";
        for (const column_spec& c : columns) {
            std::string type = !c.declared.empty() ? c.declared
                               : to_pg             ? pg_type(c.kind)
                                                   : sqlite_type(c.kind);
            if (std::holds_alternative<data_file_endpoint>(destination)) type = kind_name(c.kind);
            if (type.empty()) type = "(no type: mixed values)";
            out << "  " << c.name << " " << type << "\n";
        }
    }
    out << "(dry run: nothing was written)\n";
}

}  // namespace uio::etl
